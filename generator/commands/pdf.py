"""``goalpath pdf``: the review of a period (and, with ``--goals``, every goal page) as PDF.

How: the site is built with :class:`~generator.build.builder.SiteBuilder` into a temporary
folder (the user's ``build/`` is never touched), with relative links so the pages work
from ``file://``. Headless Chromium (Debian's, driven by Playwright, launched with
:data:`generator.commands.browser.CHROMIUM_ARGS`) opens each page from that folder; every request
that is not ``file:`` or loopback is aborted. The page is laid out in print media at the
width it is printed at (A4 less the margins, over :data:`SCALE`), so the Vega-Lite
charts, which take their container's width, are drawn at the size they are printed.
We wait until every chart container is marked drawn by ``charts.js`` and holds its
SVG, then print with ``page.pdf``: A4, the margins of ``print.css``, a footer with the
page's title, the date the figures are as of and ``Page n of N``. Links to other pages
of the site become links to the published site when ``site.base_url`` is an
``http(s)://`` address, and plain text otherwise (a link into a deleted temporary
folder helps nobody).

Renderer: Chromium's print, measured against WeasyPrint on this machine (2 cores, shared
with other test runs, so expect ±50 %; Python 3.11; the example site's review for
2026-10; medians of 5 runs after a first one):

- Chromium 156 via Playwright: launch 0.4-0.7 s once; then open the page, draw its two
  charts and print it: 0.71 s (``page.pdf`` alone 0.17 s); 3 A4 pages, charts as
  vector paths with real text. A goal page takes 0.4-0.8 s. The whole
  ``goalpath pdf`` of the example (build 36 pages into a temporary folder, then print)
  takes about 8 s, most of it the build; with ``--goals`` (nine more PDFs) 11-14 s.
- WeasyPrint 70.0 (in a scratch venv; Debian's pango libraries were already present):
  import 1.7-3.1 s, then 1.2-2.5 s to lay out and write the same review, *without*
  charts: it runs no JavaScript, so the chart containers stay empty. With the charts
  made by ``vl_convert.vegalite_to_svg`` (2.3 s for the first call, which starts its
  engine; 0.12 s for the two charts after that) and inlined into the HTML: 3.0 s,
  5 pages, because it breaks the pages differently from the browser.

Chosen: Chromium. It prints the very charts the site shows (same Vega, same CSS, no
second rendering path to keep in step with ``charts.js``), it was the faster of the
two per page once launched, and it is what the browser tests already run. WeasyPrint
would add a dependency with native libraries, an SVG substitution step for every chart
(with fixed widths instead of the container's) and a second CSS engine whose page
breaks differ from what a reader's own browser prints. The price: Chromium and
Playwright must be installed (``apt-get install -y chromium``; ``pip install
"goalpath[pdf]"``); without them the command stops with that hint.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..build.output import write_atomic
from ..errors import GoalpathError, Problem
from ..routes import goal_dir, page_file, review_dir
from .browser import CHROMIUM_ARGS, INSTALL_CHROMIUM, INSTALL_PLAYWRIGHT, find_chromium

DEFAULT_FOLDER = "build-pdf"
"""Where the PDFs go without ``--output``: a folder in the site, beside ``build/``."""

MARGIN_MM = {"top": 14, "right": 14, "bottom": 18, "left": 14}
"""Page margins; ``themes/default/static/print.css`` declares the same in ``@page``."""
A4_MM = (210, 297)
SCALE = 0.88
"""Print scale: pages are laid out 1/0.88 wider than the paper (782 CSS px), above the
theme's 760 px narrow-screen break point, and the charts' legends and labels fit."""
PRINT_WIDTH_PX = round((A4_MM[0] - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96 / SCALE)
"""CSS pixels across the printed area (782): the width pages are laid out and charts drawn at."""

CHART_TIMEOUT_S = 30.0
"""How long a page may take to draw all its charts."""

_CHARTS_DONE = """() => {
  const els = [...document.querySelectorAll('.chart-canvas[data-spec]')];
  return els.every(e => e.dataset.drawn || e.dataset.error);
}"""

_CHART_STATE = """() => [...document.querySelectorAll('.chart-canvas[data-spec]')].map(e => ({
  id: e.dataset.spec,
  drawn: !!e.dataset.drawn,
  error: e.dataset.error || null,
  marks: e.querySelectorAll('svg path, svg line, svg rect, svg text, canvas').length,
}))"""

_FIX_LINKS = """([root, base]) => {
  for (const a of document.querySelectorAll('a[href]')) {
    const url = a.href;
    if (!url.startsWith(root)) continue;
    if (base) {
      a.href = base + url.slice(root.length).replace(/(^|\\/)index\\.html(?=$|#)/, '$1');
    } else {
      a.removeAttribute('href');
    }
  }
}"""


@dataclass(frozen=True)
class PrintJob:
    """One page of the built site to print into one PDF file."""

    page: str
    """Site-relative path of the HTML file, e.g. ``reviews/2026-10/index.html``."""
    pdf: Path
    as_of: str | None
    """What the footer says the figures are as of, e.g. ``31 Oct 2026``."""


@dataclass(frozen=True)
class PrintedPage:
    pdf: Path
    charts: list[dict[str, Any]]
    """Each chart's ``id``, ``drawn``, ``error`` and number of SVG ``marks``, before printing."""
    seconds: float


def make_pdf(
    site: Path,
    period: str = "latest",
    include_goals: bool = False,
    output: Path | None = None,
    today: dt.date | None = None,
    *,
    report: Callable[[PrintedPage], None] | None = None,
) -> list[Path]:
    """Build ``site`` into a temporary folder and print the review of ``period`` (and
    every goal page when ``include_goals``) to PDF; return the files written.

    ``output``: a ``.pdf`` file for the review (goal PDFs go beside it) or a folder;
    default ``SITE/build-pdf/``. Files are named ``review-<period>.pdf`` and
    ``goal-<id>.pdf``; ``latest`` is resolved to its period's label.
    ``report`` is called once per printed page (tests use it to see the charts drawn).
    Raises :class:`GoalpathError` for anything the user can fix.
    """
    root = site.resolve()
    sync_playwright = _import_playwright()
    chromium = find_chromium()
    if chromium is None:
        raise _error(
            "Chromium was not found: goalpath pdf prints with headless Chromium",
            hint=f"install it: {INSTALL_CHROMIUM}; or set GOALPATH_CHROMIUM to its path",
        )
    review_file, folder = _output_paths(root, output)

    from ..build.builder import SiteBuilder
    from ..errors import Problems
    from ..load.config import load_config

    with tempfile.TemporaryDirectory(prefix="goalpath-pdf-") as tmp:
        out = Path(tmp) / "build"
        result = SiteBuilder(root, out, base_url="", today=today).build()
        if not result.ok:
            raise GoalpathError(result.problems)
        label = _resolve_period(out, period)
        site_as_of = _site_as_of(out)
        jobs = [
            PrintJob(
                page_file(review_dir(label)),
                review_file or folder / f"review-{label}.pdf",
                _review_as_of(label, site_as_of),
            )
        ]
        if include_goals:
            as_of = _format_date(site_as_of)
            for goal in sorted(p.parent.name for p in (out / "goals").glob("*/index.html")):
                jobs.append(PrintJob(page_file(goal_dir(goal)), folder / f"goal-{goal}.pdf", as_of))
        config = load_config(root, Problems())
        base = config.base_url if config.base_url.startswith(("http://", "https://")) else ""
        # Playwright's sync API refuses to run in a thread that already has an event
        # loop (a notebook, or another sync_playwright() in the same thread): print in a
        # thread of our own, which has none.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="goalpath-pdf") as pool:
            printed = pool.submit(_print, sync_playwright, chromium, out, jobs, base).result()
    for page in printed:
        if report is not None:
            report(page)
    return [p.pdf for p in printed]


# ---------------------------------------------------------------- inputs


def _error(message: str, *, hint: str | None = None, field: str | None = None) -> GoalpathError:
    return GoalpathError([Problem("(command line)", None, None, field, message, hint)])


def _import_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise _error(
            "Playwright is not installed: goalpath pdf drives Chromium with it",
            hint=f"install it: {INSTALL_PLAYWRIGHT}; Chromium itself: {INSTALL_CHROMIUM}",
        ) from None
    return sync_playwright


def _output_paths(root: Path, output: Path | None) -> tuple[Path | None, Path]:
    """(the review's file if ``output`` names one, the folder for the rest)."""
    if output is None:
        return None, root / DEFAULT_FOLDER
    output = output.resolve()
    if output.is_dir() or output.suffix.lower() != ".pdf":
        if output.exists() and not output.is_dir():
            raise _error(
                f"{output} is a file, not a folder",
                field="--output",
                hint="give a folder or a file name ending in .pdf",
            )
        return None, output
    return output, output.parent


def available_periods(out: Path) -> list[str]:
    """Labels of the review pages in a built site, oldest first."""
    folder = out / "reviews"
    labels = [p.parent.name for p in folder.glob("*/index.html") if p.parent.name != "latest"]
    return sorted(labels)


def _resolve_period(out: Path, period: str) -> str:
    labels = available_periods(out)
    wanted = period.strip().upper()
    if not labels:
        raise _error(
            "there is no review to print yet: a review needs KPI or learning data "
            "for at least one period",
            field="--period",
            hint="add rows to the KPI or learning data and try again",
        )
    if wanted == "LATEST":
        return labels[-1]
    for label in labels:
        if label.upper() == wanted:
            return label
    shown = ", ".join(labels[-12:])
    raise _error(
        f"no review for period {period!r}; the reviews are: {shown}",
        field="--period",
        hint=f"use one of them, or latest for {labels[-1]}",
    )


def _site_as_of(out: Path) -> dt.date | None:
    """The report date of the analysis, as the built site's API states it."""
    try:
        value = json.loads((out / "api" / "goals.json").read_text(encoding="utf-8"))["as_of"]
        return dt.date.fromisoformat(value) if value else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _review_as_of(label: str, site_as_of: dt.date | None) -> str | None:
    """The day a review's figures are taken: its period's end, or the report date."""
    from ..analysis.reviews import make_period, parse_label

    parsed = parse_label(label)
    if parsed is None:
        return _format_date(site_as_of)
    cadence, start = parsed
    return _format_date(make_period(start, cadence, site_as_of).as_of)


def _format_date(day: dt.date | None) -> str | None:
    from ..text import fmt_date

    return fmt_date(day) if day is not None else None


# ---------------------------------------------------------------- printing


def footer_template(as_of: str | None) -> str:
    """Chromium fills in ``title``, ``pageNumber`` and ``totalPages``; styles must be inline."""
    when = f"Figures as of {html.escape(as_of)} · " if as_of else ""
    side = f"{MARGIN_MM['left']}mm"
    return (
        f'<div style="width:100%;margin:0 {side};font:7.5pt system-ui,Arial,sans-serif;'
        'color:#555;display:flex;justify-content:space-between;gap:12px">'
        '<span class="title" style="overflow:hidden;text-overflow:ellipsis;'
        'white-space:nowrap"></span>'
        f'<span style="white-space:nowrap">{when}Page <span class="pageNumber"></span>'
        ' of <span class="totalPages"></span></span></div>'
    )


def _print(
    sync_playwright: Any, chromium: str, out: Path, jobs: list[PrintJob], base: str
) -> list[PrintedPage]:
    from playwright.sync_api import Error as PlaywrightError

    root_url = out.as_uri() + "/"

    def route(r: Any) -> None:
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme == "file" or parts.hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:  # the site is offline by design; a theme's CDN font must not leak a request
            r.abort()

    printed: list[PrintedPage] = []
    try:
        with sync_playwright() as p:
            try:
                browser = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
            except PlaywrightError as exc:
                raise _error(
                    f"Chromium ({chromium}) did not start: {_first_line(exc)}",
                    hint=f"check the installation: {INSTALL_CHROMIUM}",
                ) from None
            try:
                context = browser.new_context(
                    viewport={"width": PRINT_WIDTH_PX, "height": 1000}, service_workers="block"
                )
                context.route("**/*", route)
                page = context.new_page()
                page.emulate_media(media="print")
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                for job in jobs:
                    printed.append(_print_one(page, root_url, out, job, base, errors))
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise _error(f"printing failed in Chromium: {_first_line(exc)}") from None
    return printed


def _print_one(
    page: Any, root_url: str, out: Path, job: PrintJob, base: str, errors: list[str]
) -> PrintedPage:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    t0 = time.perf_counter()
    errors.clear()
    page.goto(root_url + job.page, wait_until="load")
    try:
        page.wait_for_function(_CHARTS_DONE, timeout=CHART_TIMEOUT_S * 1000, polling=50)
    except PlaywrightTimeout:
        raise _error(
            f"{job.page}: the charts were not drawn within {CHART_TIMEOUT_S:.0f} s",
            hint="; ".join(errors) or "is assets/vendor/vega-bundle.js in the built site?",
        ) from None
    charts = page.evaluate(_CHART_STATE)
    bad = [c for c in charts if c["error"] or not c["marks"]]
    if bad:
        raise _error(
            f"{job.page}: chart {bad[0]['id']} could not be drawn: {bad[0]['error'] or 'empty'}",
            hint="this is a bug in goalpath or the theme; please report it",
        )
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate(_FIX_LINKS, [root_url, base])
    data = page.pdf(
        format="A4",
        margin={k: f"{v}mm" for k, v in MARGIN_MM.items()},
        print_background=True,
        scale=SCALE,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=footer_template(job.as_of),
        outline=True,
        tagged=True,
    )
    write_atomic(job.pdf, data)
    return PrintedPage(job.pdf, charts, time.perf_counter() - t0)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
