"""What pages render from: the :class:`PageJob` of each output page (where it goes, its
template, a function building its context, the keys of what it reads) and the
:class:`RenderState` every page's context starts from."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..charts.catalogue import SiteCharts
from ..model.site import Site
from ..render.markdown import RenderedMarkdown, make_parser, render_markdown
from ..render.theme import Theme
from ..render.urls import Urls
from ..routes import content_page_dir, department_dir, goal_dir, path_dir, review_dir, tag_dir
from .feeds import FEED, absolute_base
from .views import SiteViews

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis


SITE_KEYS = frozenset({"paths", "skills", "links"})
"""Computed inputs of the whole site a page may read: every path's front matter, all
skills gaps, the map of content links."""
ITEM_KEYS = frozenset({"goal", "path", "skills", "views", "doc"})
"""Computed inputs of one goal, path or file, named ``<kind>:<id>``: a goal's or path's
analysis, a goal's skills gaps, its share of the ``SiteViews``, a file's front matter."""


@dataclass(frozen=True)
class Deps:
    """What a page reads besides what every page reads: the key of each, so a rebuild
    renders the page again exactly when one of them changes (``build/memo.py`` makes
    the keys). An input the memo does not key is refused here, when the job is made."""

    files: tuple[Any, ...] = ()
    """Goals, paths and pages whose whole file (front matter and body) the page shows."""
    shown: tuple[Any, ...] = ()
    """Goals and paths the page shows without their body: their front matter only."""
    keys: tuple[str, ...] = ()
    """Computed inputs by name: one of :data:`SITE_KEYS`, or ``<kind>:<id>`` with a kind
    in :data:`ITEM_KEYS`."""
    own: tuple[str, ...] = ()
    """Inputs the page keys itself, as ``name=<key>`` (a review's snapshot key)."""

    def __post_init__(self) -> None:
        bad = [k for k in self.keys if k not in SITE_KEYS and k.partition(":")[0] not in ITEM_KEYS]
        if bad:
            raise ValueError(f"page deps the build memo does not key: {', '.join(bad)}")

    def resolve(self, state: RenderState) -> tuple[str, ...]:
        """The inputs' keys in this build.

        A name the memo does not provide this build is a bug, not an empty key: a
        misspelt dep made a constant, and ``goalpath serve`` then showed a stale page
        while ``build`` was right. (No keys at all: pages are not cached.)
        """
        files = tuple(f"{d.source.rel}:{d.source.sha}" for d in self.files if d is not None)
        shown = tuple(
            state.keys.get(f"doc:{d.source.rel}", f"{d.source.rel}:{d.source.sha}")
            for d in self.shown
            if d is not None
        )
        if state.keys:
            unknown = [n for n in self.keys if n not in state.keys]
            if unknown:
                raise KeyError(f"page deps not provided by build/memo.py: {', '.join(unknown)}")
        keys = tuple(f"{n}={state.keys.get(n, '')}" for n in self.keys)
        return files + shown + self.own + keys


@dataclass(frozen=True)
class PageJob:
    out: str
    """Output path inside the site (``goals/x/index.html``)."""
    template: str
    context: Callable[[], dict[str, Any]]
    deps: tuple[str, ...] = ()
    """Keys of everything the page reads besides the global inputs (:meth:`Deps.resolve`)."""
    title: str = ""


@dataclass
class RenderState:
    """What every page may read: the typed site, its analysis, charts, rendered Markdown."""

    site: Site
    theme: Theme
    analysis: SiteAnalysis | None = None
    charts: SiteCharts = field(default_factory=lambda: SiteCharts())
    views: SiteViews = field(default_factory=lambda: SiteViews())
    """What pages show besides the analysis and charts (navigation, sparklines, reviews,
    history), computed once per build."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Content keys of computed inputs for incremental rebuilds (``incremental.py``):
    ``goal:<id>`` / ``path:<id>`` analyses, ``paths`` (every path file), ``skills``,
    ``links`` and ``views:<goal id>``. Empty when pages are not cached."""
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
            if p.meta.in_nav
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
            "tag_url": lambda name: url(tag_dir(name)),
            "department_url": lambda name: url(department_dir(name)),
            "root": self.urls.root_prefix(job_out),
            "asset": lambda name: url(f"assets/{name}"),
            "nav_pages": nav,
            "analysis": self.analysis,
            "views": self.views,
            "as_of": getattr(self.analysis, "as_of", None),
            "out": job_out,
            "description": " · ".join(x for x in (title, cfg.title, cfg.organisation) if x)
            if title != cfg.title
            else " · ".join(x for x in (cfg.title, cfg.organisation) if x),
            "feed": url(FEED) if absolute_base(cfg.base_url) else None,
        }
