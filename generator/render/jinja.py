"""Render pages to HTML strings with the theme's Jinja templates. Writes nothing.

Each output page is a :class:`PageJob`: where it goes, which template, a function
building its context, and the inputs it depends on (for incremental rebuilds).
Templates format values; Python (``analysis/``) computes them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from ..errors import Problem
from ..model.site import Site
from ..routes import content_page_dir, goal_dir, path_dir, review_dir
from .markdown import RenderedMarkdown, make_parser, render_markdown
from .theme import Theme

# ---------------------------------------------------------------- URLs


class Urls:
    """Links between pages: relative (works from file://) or under ``base_url``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def page_dir(self, out_rel: str) -> str:
        d = posixpath.dirname(out_rel)
        return d + "/" if d else ""

    def root_prefix(self, out_rel: str) -> str:
        """What to put before a root-relative path from this page ("../../" or base_url)."""
        return self.base_url or "../" * self.page_dir(out_rel).count("/")

    def linker(self, out_rel: str) -> Callable[[str], str]:
        """``url(target)`` for a page written at ``out_rel`` (``goals/x/index.html``)."""
        here = self.page_dir(out_rel)
        if self.base_url:

            def absolute(target: str) -> str:
                return self.base_url + target

            return absolute
        depth = here.count("/")
        prefix = "../" * depth

        def relative(target: str) -> str:
            path, _, frag = target.partition("#")
            if path == "" or path.endswith("/"):
                path += "index.html"  # file:// does not open a folder's index.html
            return prefix + path + (f"#{frag}" if frag else "")

        return relative


# ---------------------------------------------------------------- formatting filters


def fmt_num(value: Any, digits: int = 3) -> str:
    """Human number: 3 significant digits, thousands separators, no trailing zeros."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    decimals = max(0, digits - 1 - mag)
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def fmt_signed(value: Any, digits: int = 3) -> str:
    """A change: always signed (+1.2, −0.4), so readers see the direction."""
    text = fmt_num(value, digits)
    return text if text in ("–", "0") or text.startswith("−") else "+" + text


def fmt_pct(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value) * 100:.{digits}f}%".replace("-", "−")


def fmt_date(value: Any, style: str = "long") -> str:
    if value is None:
        return "–"
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if style == "iso":
        return value.isoformat()
    if style == "month":
        return value.strftime("%b %Y")
    return f"{value.day} {value.strftime('%b %Y')}"


def fmt_money(value: Any, currency: str = "EUR") -> str:
    if value is None:
        return "–"
    return f"{currency} {float(value):,.0f}".replace("-", "−")


# ---------------------------------------------------------------- environment


def make_env(theme: Theme) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            jinja2.PrefixLoader(
                {"!default": jinja2.FileSystemLoader(str(theme.default_templates))}, delimiter="/"
            ),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=fmt_num, signed=fmt_signed, pct=fmt_pct, date=fmt_date, money=fmt_money)
    env.policies["json.dumps_function"] = script_json_dumps
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


def script_json_dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` for ``tojson`` (which then escapes ``<``, ``>``, ``&``, ``'``), with
    U+2028/U+2029 escaped too: raw, they end a line in JavaScript older than ES2019."""
    text = json.dumps(obj, **kwargs)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def template_problem(exc: jinja2.TemplateError, theme: Theme) -> Problem:
    """A template error as a Problem naming the template file and line."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
    line = getattr(exc, "lineno", None)
    return Problem(
        str(name),
        line,
        None,
        None,
        f"template error: {exc.message if hasattr(exc, 'message') else exc}",
        f"fix the template in theme '{theme.name}'",
    )


# ---------------------------------------------------------------- page jobs


@dataclass(frozen=True)
class PageJob:
    out: str
    """Output path inside the site (``goals/x/index.html``)."""
    template: str
    context: Callable[[], dict[str, Any]]
    deps: tuple[str, ...] = ()
    """Fingerprints of everything the page reads besides the global inputs."""
    title: str = ""


@dataclass
class RenderState:
    """What every page may read: the typed site, its analysis, charts, rendered Markdown."""

    site: Site
    theme: Theme
    analysis: Any = None
    charts: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Other computed views (timeline, alignment, reviews …) keyed by name."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Content keys of computed inputs for incremental rebuilds (``incremental.py``):
    ``goal:<id>`` / ``path:<id>`` analyses, ``paths`` (every path file), ``skills``,
    ``links`` and ``extra:<goal id>``. Empty when pages are not cached."""
    _markdown: dict[str, RenderedMarkdown] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.urls = Urls(self.site.config.base_url)
        self.md = make_parser(allow_html=self.site.config.allow_html)
        self.link_map = self._content_link_map()

    def _content_link_map(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for g in self.site.goals.values():
            out[g.source.rel] = goal_dir(g.meta.id)
        for p in self.site.paths.values():
            out[p.source.rel] = path_dir(p.meta.id)
        for pg in self.site.pages.values():
            out[pg.source.rel] = content_page_dir(pg.meta.id)
        return out

    def markdown(self, source_rel: str, body: str, out_rel: str) -> RenderedMarkdown:
        key = f"{source_rel}\0{out_rel}"
        if key not in self._markdown:
            url = self.urls.linker(out_rel)
            base = posixpath.dirname(source_rel)

            def link(href: str) -> str:
                path, _, frag = href.partition("#")
                if "://" in path or path.startswith(("/", "mailto:")) or not path.endswith(".md"):
                    return href
                target = posixpath.normpath(posixpath.join(base, path))
                if target in self.link_map:
                    return url(self.link_map[target] + (f"#{frag}" if frag else ""))
                return href

            self._markdown[key] = render_markdown(self.md, body, link)
        return self._markdown[key]

    def base_context(self, job_out: str, title: str, section: str) -> dict[str, Any]:
        cfg = self.site.config
        url = self.urls.linker(job_out)
        nav = [
            {"title": p.meta.title, "href": url(content_page_dir(p.meta.id)), "id": p.meta.id}
            for p in self.site.pages.values()
            if p.meta.nav
        ]
        return {
            "config": cfg,
            "site": self.site,
            "title": title,
            "section": section,
            "url": url,
            "goal_url": lambda goal_id: url(goal_dir(goal_id)),
            "path_url": lambda path_id: url(path_dir(path_id)),
            "review_url": lambda label: url(review_dir(label)),
            "root": self.urls.root_prefix(job_out),
            "asset": lambda name: url(f"assets/{name}"),
            "nav_pages": nav,
            "analysis": self.analysis,
            "extra": self.extra,
            "as_of": getattr(self.analysis, "as_of", None),
            "out": job_out,
        }


def render_job(env: jinja2.Environment, job: PageJob) -> str:
    return env.get_template(job.template).render(job.context())
