"""What every chart shares: the spec and its table, the Vega-Lite config, filling a
template's named datasets, and how values and names read in charts.

A chart module (``kpi.py``, ``impact.py``…) holds one chart: its Altair template, made
into a dict once per process (``functools.cache``: Altair costs ~30 ms a chart), the
rows a page fills in (a dict copy: well under 1 ms), and ``READS``, the inputs those rows
read besides the analysis of the page's own goal or path (``reads``). Every chart carries
a one-sentence summary and a data table for screen readers and print. Pure: no files,
no HTML.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..text import fmt_date, fmt_num, fmt_pct, id_words
from .palette import GRID, INK, MUTED

if TYPE_CHECKING:
    from ..model.site import Goal, Site

INPUTS = frozenset({"paths", "skills", "goals"})
"""What a chart's rows may read besides its own goal's or path's analysis: ``paths``,
every path's front matter (cohort names and dates, titles); ``skills``, the skills gaps
that name the goal; ``goals``, the front matter of the goals a path serves. The build
memo keys a page's charts by these (``build/memo.py``), so a chart that reads something
it does not declare shows stale in ``goalpath serve``."""


def reads(*names: str) -> frozenset[str]:
    """A chart's ``READS``; a name the memo cannot key raises here, at import."""
    unknown = sorted(set(names) - INPUTS)
    if unknown:
        raise ValueError(f"unknown chart inputs {unknown}; known: {sorted(INPUTS)}")
    return frozenset(names)


FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"


TemplateStore = MutableMapping[str, dict[str, Any]]
"""Compiled templates kept across processes (``build/chart_cache.py``): chart module →
its template's dict, so a build with every template kept need not import Altair."""

_templates: TemplateStore | None = None
MAKERS: dict[str, Callable[[], dict[str, Any]]] = {}
"""Every chart module's template maker, by module (``scripts/compile_chart_templates.py``
compiles them all into the package's ``templates.json``)."""


@contextlib.contextmanager
def remembered_templates(store: TemplateStore) -> Iterator[None]:
    """Within the block, a :func:`template` not yet made in this process is taken from
    ``store`` when it is there, and added to it when it is made."""
    global _templates
    before, _templates = _templates, store
    try:
        yield
    finally:
        _templates = before


def template(make: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """A chart's Altair template, made once per process (Altair costs ~30 ms a chart) or
    taken from the :func:`remembered_templates` store; every use is marked in the store,
    so it keeps what this build used."""
    key = make.__module__
    MAKERS[key] = make
    made: list[dict[str, Any]] = []

    def get() -> dict[str, Any]:
        if not made:
            known = _templates.get(key) if _templates is not None else None
            made.append(known if isinstance(known, dict) else make())
        if _templates is not None:
            _templates[key] = made[0]
        return made[0]

    return get


@dataclass(frozen=True)
class Table:
    """A chart's data as a table: ``columns`` and ``rows`` as readers see them (formatted
    text), and, for its "Download CSV", the values behind them (``raw_columns``,
    ``raw_rows``: numbers unrounded, dates ISO, an interval as two columns) where the
    text would lose something; without them the CSV holds the text."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    raw_columns: Sequence[str] | None = None
    raw_rows: Sequence[Sequence[object]] | None = None

    @property
    def download(self) -> tuple[Sequence[str], Sequence[Sequence[object]]]:
        """The header and rows a CSV download holds."""
        if self.raw_columns is not None and self.raw_rows is not None:
            return self.raw_columns, self.raw_rows
        return self.columns, self.rows


@dataclass(frozen=True)
class ChartSpec:
    spec: dict[str, Any]
    summary: str
    title: str = ""
    table: Table | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def chart_config() -> dict[str, Any]:
    return {
        "font": FONT,
        # transparent, so a chart wider than a phone shows the frame's scroll shadows
        "background": None,
        "view": {"stroke": None},
        "axis": {"labelColor": MUTED, "titleColor": MUTED, "gridColor": GRID},
        # a panel's title (Vega's default is black, which the dark theme cannot swap)
        "title": {"color": INK, "subtitleColor": MUTED},
        # Cohort names run to ~35 characters: the default 160 px limit cut them off.
        "legend": {
            "orient": "bottom",
            "labelColor": INK,
            "titleColor": MUTED,
            "labelLimit": 280,
        },
    }


def fill(template: dict[str, Any], **datasets: list[dict[str, Any]]) -> dict[str, Any]:
    spec = dict(template)
    spec["datasets"] = {name: clean_rows(rows) for name, rows in datasets.items()}
    return spec


def rows_high(spec: dict[str, Any], rows: int, step: float) -> dict[str, Any]:
    """Height ``rows × step`` px for a chart with one band a row. Templates say a number,
    not ``alt.Step``: a Step height with ``width="container"`` makes Vega-Lite warn
    'Dropping "fit-y"' (it draws the same)."""
    spec["height"] = round(max(rows, 1) * step)
    return spec


def clean_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON-safe rows: NaN/inf become null (Vega ignores them; JSON has no NaN)."""
    out = []
    for row in rows:
        clean = {}
        for k, v in row.items():
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                v = None
            elif hasattr(v, "isoformat"):
                v = v.isoformat()[:10]
            clean[k] = v
        out.append(clean)
    return out


def month_axis() -> Any:
    """The time axis of the KPI and gap charts: dates, labelled "Oct 2026", about one label
    per 110 px of width."""
    import altair as alt

    return alt.X(
        "date:T",
        title=None,
        axis=alt.Axis(
            format="%b %Y",
            labelAngle=0,
            tickCount={"expr": "ceil(width / 110)"},
        ),
    )


def row_titles(chart: Any, y: Any, text: str, limit: str = "width") -> Any:
    """Each row's title written above its marks, across the plot's width (timeline,
    impact and review charts): as axis labels, long titles would take most of a phone's
    width. ``limit`` is a Vega expression for the longest title in pixels."""
    import altair as alt

    return chart.mark_text(
        align="left",
        baseline="top",
        dy=3,
        fontSize=11,
        color=INK,
        limit={"expr": limit},
    ).encode(x=alt.value(0), y=y, text=text)


ROW = 38
"""Pixels per row of the skills gap (a skill) and of the timeline (a cohort)."""


def vl_datetime(day: Any) -> dict[str, int]:
    """A Vega-Lite DateTime for a date (months counted from 1)."""
    return {"year": day.year, "month": day.month, "date": day.day}


def period_text(ts: Any, period: str) -> str:
    from ..dates import period_label

    return str(period_label(ts, period))


def day_of(value: Any) -> dt.date:
    day: dt.date = value.date() if hasattr(value, "date") and callable(value.date) else value
    return day


def words(slug: str, *, capital: bool = False) -> str:
    """A slug as words for readers: ``ward-nurses`` → ``ward nurses`` (``capital``: ``Ward
    nurses``). Letters keep their case otherwise: ``crm-tools`` cannot know it was CRM."""
    text = id_words(slug)
    return text[:1].upper() + text[1:] if capital else text


def series_name(site: Site, goal: Goal, group: str) -> str:
    if group == goal.meta.kpi.group:
        return group if group else "Organisation"
    found = site.cohort(group)
    if found:
        return found[1].label
    for p in site.paths.values():
        for c in p.meta.cohorts:
            if c.kpi_group == group:
                return c.label
    if group == goal.meta.monitoring.control_group:
        return f"{words(group, capital=True)} (comparison)"
    return words(group, capital=True)


# How values read in charts' data tables and labels: the pages' rules (``text.py``).
fmt = fmt_num
pct_text = fmt_pct


def iso_day(v: Any) -> str:
    """A date as the data tables write it: ``2026-09-07``."""
    return fmt_date(v, "iso")
