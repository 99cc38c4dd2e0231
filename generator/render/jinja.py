"""Render pages to HTML strings with the theme's Jinja templates. Writes nothing.

The Jinja environment (autoescape, strict undefined, the filters that format values)
and :func:`render_page`. Which pages exist and what they read is ``pages/``; templates
format values, Python (``analysis/``) computes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jinja2

from ..analysis.progress import STATUS_LABELS
from ..errors import Problem
from ..text import fmt_date, fmt_money, fmt_num, fmt_pct, fmt_signed, stable_floats
from .theme import Theme

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
    env.filters.update(
        num=fmt_num,
        signed=fmt_signed,
        pct=fmt_pct,
        date=fmt_date,
        money=fmt_money,
        status_label=status_label,
        csv_href=csv_href,
        download_stem=download_stem,
    )
    env.policies["json.dumps_function"] = script_json_dumps
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


def script_json_dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` for ``tojson`` (which then escapes ``<``, ``>``, ``&``, ``'``), with
    U+2028/U+2029 escaped too: raw, they end a line in JavaScript older than ES2019."""
    text = json.dumps(stable_floats(obj), **kwargs)
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


def render_page(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    return env.get_template(template).render(context)


def csv_href(table: Any) -> str:
    """A chart table's "Download CSV" link: the CSV itself, made now, as a ``data:`` URL
    (no server, works from ``file://``). UTF-8 with a byte-order mark, so Excel reads
    accented names right; numbers unrounded (12 significant digits), missing values
    empty, dates ISO."""
    import base64
    import csv
    import datetime as dt
    import io
    import math

    def cell(v: object) -> object:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return format(v, ".12g")
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    columns, rows = table.download
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell(v) for v in row] for row in rows)
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")


def download_stem(out: str) -> str:
    """A page's output path as a file-name stem for what it offers to download:
    ``goals/cut-errors/index.html`` → ``goals-cut-errors``; the dashboard → ``dashboard``."""
    stem = out.removesuffix("index.html").removesuffix(".html").strip("/").replace("/", "-")
    return stem or "dashboard"


def status_label(status: str) -> str:
    """``off-track`` → ``Off track``: the words a status reads as (the filter ``status_label``)."""
    return STATUS_LABELS.get(status, status)
