"""Chart specs: Vega-Lite dicts made with Altair, no HTML, no files.

Each chart is defined once with Altair against *named* datasets and turned into a
dict once per process (``functools.cache``: Altair costs ~30 ms a chart); a page
only fills in its own rows under ``datasets`` (a dict copy: well under 1 ms).
Every chart carries a one-sentence summary and a data table for screen readers
and print.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

STATUS_COLOURS = {
    "on-track": "#1e7d46",
    "at-risk": "#c98500",
    "off-track": "#b3261e",
    "achieved": "#1b5e9e",
    "not-started": "#8a94a6",
    "no-data": "#8a94a6",
    "stale": "#8a94a6",
}
KIND_COLOURS = {
    "course": "#2356a8",
    "workshop": "#c98500",
    "practice": "#1e7d46",
    "on-the-job": "#4f9d69",
    "reflection": "#8a5cc2",
    "assessment": "#b3261e",
    "coaching": "#0f8a8a",
}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class ChartSpec:
    spec: dict[str, Any]
    summary: str
    title: str = ""
    table: Table | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _config() -> dict[str, Any]:
    return {
        "font": FONT,
        # transparent, so a chart wider than a phone shows the frame's scroll shadows
        "background": None,
        "view": {"stroke": None},
        "axis": {"labelColor": "#5b6576", "titleColor": "#5b6576", "gridColor": "#eceff3"},
        # Cohort names run to ~35 characters: the default 160 px limit cut them off.
        "legend": {
            "orient": "bottom",
            "labelColor": "#1d2430",
            "titleColor": "#5b6576",
            "labelLimit": 280,
        },
    }


def _fill(template: dict[str, Any], **datasets: list[dict[str, Any]]) -> dict[str, Any]:
    spec = dict(template)
    spec["datasets"] = {name: _clean_rows(rows) for name, rows in datasets.items()}
    return spec


def _rows_high(spec: dict[str, Any], rows: int, step: float) -> dict[str, Any]:
    """Height ``rows × step`` px for a chart with one band a row. Templates say a number,
    not ``alt.Step``: a Step height with ``width="container"`` makes Vega-Lite warn
    'Dropping "fit-y"' (it draws the same)."""
    spec["height"] = round(max(rows, 1) * step)
    return spec


def _clean_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


# ---------------------------------------------------------------- KPI over time


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
        color="#1d2430",
        limit={"expr": limit},  # type: ignore[arg-type]
    ).encode(x=alt.value(0), y=y, text=text)


SERIES_COLOURS = ("#1d2430", "#2356a8", "#c98500", "#8a5cc2", "#0f8a8a")
"""The KPI chart's line colours, by series order; a cohort's training band takes its
line's colour, so band and line read as one cohort."""
NO_SERIES_COLOUR = "#8a94a6"
"""A training band whose cohort has no KPI line of its own."""


@functools.cache
def _kpi_template() -> dict[str, Any]:
    import altair as alt

    x = alt.X(
        "date:T",
        title=None,
        axis=alt.Axis(
            format="%b %Y",
            labelAngle=0,
            tickCount={"expr": "ceil(width / 110)"},  # type: ignore[arg-type]
        ),
    )
    band = (
        alt.Chart(alt.Data(name="forecast"))
        .mark_area(opacity=0.18, color="#7f8aa0")
        .encode(x=x, y="low:Q", y2="high:Q")
    )
    forecast = (
        alt.Chart(alt.Data(name="forecast"))
        .mark_line(strokeDash=[2, 3], color="#5b6576")
        .encode(
            x=x,
            y="value:Q",
            tooltip=[
                alt.Tooltip("date:T", title="Forecast for", format="%d %b %Y"),
                alt.Tooltip("value:Q", title="Forecast", format=".3~g"),
                alt.Tooltip("low:Q", title="Low (95%)", format=".3~g"),
                alt.Tooltip("high:Q", title="High (95%)", format=".3~g"),
            ],
        )
    )
    training = (
        alt.Chart(alt.Data(name="training"))
        .mark_rect(opacity=0.10)
        .encode(
            x=x,
            x2="end:T",
            color=alt.Color("colour:N", legend=None, scale=None),
            tooltip=[
                alt.Tooltip("label:N", title="Training"),
                alt.Tooltip("date:T", title="From", format="%d %b %Y"),
                alt.Tooltip("end:T", title="To", format="%d %b %Y"),
            ],
        )
    )
    # Cohort names on alternate lines (``stagger`` 0/1), so neighbouring cohorts' names
    # do not run into each other on a narrow chart.
    training_label = (
        alt.Chart(alt.Data(name="training"))
        .mark_text(
            align="left",
            baseline="top",
            dx=3,
            fontSize=10,
            color="#5b6576",
            limit={"expr": "max(90, width * 0.45)"},  # type: ignore[arg-type]
        )
        .encode(x=x, y=alt.value({"expr": "3 + 13 * datum.stagger"}), text="short:N")
    )
    expected = (
        alt.Chart(alt.Data(name="expected"))
        .mark_line(strokeDash=[6, 4], color="#1d2430", opacity=0.55)
        .encode(
            x=x,
            y="value:Q",
            tooltip=[
                alt.Tooltip("date:T", title="Plan at", format="%d %b %Y"),
                alt.Tooltip("value:Q", title="Expected", format=".3~g"),
            ],
        )
    )
    refs = (
        alt.Chart(alt.Data(name="refs"))
        .mark_rule(strokeWidth=1.5)
        .encode(
            y="value:Q",
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=["Baseline", "Target"], range=["#8a94a6", "#1e7d46"]),
            ),
            tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("value:Q", format=".3~g")],
        )
    )
    ref_labels = (
        alt.Chart(alt.Data(name="refs"))
        .mark_text(align="right", baseline="bottom", dy=-2, fontSize=11, color="#5b6576")
        .encode(y="value:Q", x=alt.value("width"), text="label:N")
    )
    actual = (
        alt.Chart(alt.Data(name="series"))
        .mark_line(point=alt.OverlayMarkDef(size=28), strokeWidth=2.2)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(range=list(SERIES_COLOURS)),
                sort=alt.EncodingSortField("order", op="min"),
                # one series a line on a phone: a single row of cohort names ran off the edge
                legend=alt.Legend(columns={"expr": "width < 500 ? 1 : 5"}),  # type: ignore[arg-type]
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("label:N", title="Period"),
                alt.Tooltip("value:Q", title="Value", format=".3~g"),
            ],
        )
    )
    chart = alt.layer(
        training, training_label, band, forecast, expected, refs, ref_labels, actual
    ).resolve_scale(color="independent")
    spec = chart.properties(width="container", height=280).to_dict()
    spec["config"] = _config()
    return spec


def kpi_chart(
    *,
    series: list[dict[str, Any]],
    expected: list[dict[str, Any]],
    forecast: list[dict[str, Any]],
    training: list[dict[str, Any]],
    refs: list[dict[str, Any]],
    summary: str,
    unit: str,
    title: str,
) -> ChartSpec:
    """Rows — ``series``: date, value, series, label, order; ``training``: date, end,
    label, short; ``refs``: value, kind (Baseline|Target), label; ``expected``: date,
    value; ``forecast``: date, value, low, high.
    """
    spec = _fill(
        _kpi_template(),
        series=series,
        expected=expected,
        forecast=forecast,
        training=training,
        refs=refs,
    )
    if not training:  # an empty layer on the shared date axis: "Infinite extent" warnings
        spec["layer"] = [ly for ly in spec["layer"] if ly.get("data") != {"name": "training"}]
    rows = [[r["label"], r["series"], _fmt(r["value"])] for r in series]
    return ChartSpec(
        spec,
        summary,
        title,
        Table(["Period", "Series", f"Value ({unit})" if unit else "Value"], rows),
    )


# ---------------------------------------------------------------- impact


IMPACT_FIT = {"stack_below": 600, "share": [0.4, 0.6], "reserve": [70, 20]}
"""How ``charts.js`` sizes the impact chart (a concat cannot take ``width="container"``):
side by side, each panel's plot gets its ``share`` of the container width less every
panel's ``reserve`` (axes, padding) and the spacing; below ``stack_below`` px the panels
stack, their plots as wide as the container less the largest ``reserve``."""


@functools.cache
def _impact_template() -> dict[str, Any]:
    import altair as alt

    slope = (
        alt.Chart(alt.Data(name="means"))
        .mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.5)
        .encode(
            x=alt.X(
                "window:N",
                title=None,
                sort=["Before training", "After training"],
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(range=["#2356a8", "#8a94a6", "#c98500", "#8a5cc2"]),
                # one group a line: a row of long group names made the panel wider than its plot
                legend=alt.Legend(columns=1),
            ),
            detail="panel:N",
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("window:N", title="Window"),
                alt.Tooltip("value:Q", title="Mean", format=".3~g"),
                alt.Tooltip("n:Q", title="Periods"),
            ],
        )
        .properties(width=220, height=220, title="Group means before and after")
    )
    # Cohort names above their intervals (as in the timeline), not as axis labels, so
    # long names take no width from the plot on a phone.
    cohort = alt.Y(
        "cohort:N",
        title=None,
        axis=None,
        scale=alt.Scale(paddingInner=0, paddingOuter=0),
    )
    est = alt.Chart(alt.Data(name="estimates"))
    interval = est.mark_rule(strokeWidth=3, color="#2356a8", yOffset=7).encode(
        y=cohort,
        x=alt.X("ci_low:Q", title="Effect of training (KPI units, 95% CI)"),
        x2="ci_high:Q",
    )
    point = est.mark_point(filled=True, size=90, color="#2356a8", yOffset=7).encode(
        y=cohort,
        x="estimate:Q",
        tooltip=[
            alt.Tooltip("cohort:N", title="Cohort"),
            alt.Tooltip("method:N", title="Method"),
            alt.Tooltip("estimate:Q", title="Estimate", format=".3~g"),
            alt.Tooltip("ci_low:Q", title="95% CI low", format=".3~g"),
            alt.Tooltip("ci_high:Q", title="95% CI high", format=".3~g"),
            alt.Tooltip("evidence:N", title="Evidence"),
        ],
    )
    name = row_titles(est, alt.Y("cohort:N", bandPosition=0, axis=None), "cohort:N")
    zero = (
        alt.Chart(alt.Data(name="zero"))
        .mark_rule(color="#1d2430", strokeDash=[3, 3])
        .encode(x="x:Q")
    )
    right = alt.layer(zero, interval, point, name).properties(
        width=300, height=alt.Step(42), title="Estimated effect"
    )
    spec = alt.hconcat(slope, right, spacing=24).resolve_scale(color="independent").to_dict()
    spec["config"] = _config()
    spec["usermeta"] = {"fit": IMPACT_FIT}
    return spec


def impact_chart(
    *, means: list[dict[str, Any]], estimates: list[dict[str, Any]], summary: str, unit: str
) -> ChartSpec:
    spec = _fill(_impact_template(), means=means, estimates=estimates, zero=[{"x": 0}])
    if unit:  # the axis titles name the KPI's unit (the template is shared: copy what changes)
        slope, right = (dict(part) for part in spec["hconcat"])
        slope["encoding"] = {**slope["encoding"], "y": {**slope["encoding"]["y"], "title": unit}}
        layers = [dict(layer) for layer in right["layer"]]
        enc = layers[1]["encoding"]
        layers[1]["encoding"] = {
            **enc,
            "x": {**enc["x"], "title": f"Effect of training ({unit}, 95% CI)"},
        }
        right["layer"] = layers
        spec["hconcat"] = [slope, right]
    rows = [
        [
            e["cohort"],
            e["method"],
            _fmt(e["estimate"]),
            f"{_fmt(e['ci_low'])} to {_fmt(e['ci_high'])}",
            e["evidence"],
        ]
        for e in estimates
    ]
    return ChartSpec(
        spec,
        summary,
        "Impact: trained group against comparison",
        Table(
            ["Cohort", "Method", f"Effect ({unit})" if unit else "Effect", "95% CI", "Evidence"],
            rows,
        ),
    )


# ---------------------------------------------------------------- gap by period


@functools.cache
def _gap_template() -> dict[str, Any]:
    import altair as alt

    x = alt.X(
        "date:T",
        title=None,
        axis=alt.Axis(
            format="%b %Y",
            labelAngle=0,
            tickCount={"expr": "ceil(width / 110)"},  # type: ignore[arg-type]
        ),
    )
    # one legend for the layers' shared scale, drawn as solid dots: the band's pale
    # square would otherwise stand for the cohort
    colour = alt.Color(
        "cohort:N",
        title=None,
        scale=alt.Scale(range=list(SERIES_COLOURS[1:])),
        legend=alt.Legend(orient="bottom", columns=1, symbolType="circle", symbolOpacity=1),
    )
    zero = (
        alt.Chart(alt.Data(name="zero"))
        .mark_rule(color="#1d2430", strokeDash=[3, 3])
        .encode(y="y:Q")
    )
    effect_band = (
        alt.Chart(alt.Data(name="effects"))
        .mark_rect(opacity=0.15)
        .encode(x=x, x2="end:T", y="ci_low:Q", y2="ci_high:Q", color=colour)
    )
    effect_line = (
        alt.Chart(alt.Data(name="effects"))
        .mark_rule(strokeWidth=2)
        .encode(
            x=x,
            x2="end:T",
            y="estimate:Q",
            color=colour,
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("estimate:Q", title="Effect", format=".3~g"),
                alt.Tooltip("ci_low:Q", title="95% CI low", format=".3~g"),
                alt.Tooltip("ci_high:Q", title="95% CI high", format=".3~g"),
            ],
        )
    )
    points = (
        alt.Chart(alt.Data(name="gaps"))
        .mark_point(filled=True, size=36)
        .encode(
            x=x,
            y=alt.Y("gap:Q", title="Gap against its average before training"),
            color=colour,
            # circles before training, diamonds after (the summary says so)
            shape=alt.Shape(
                "window:N",
                sort=["Before training", "After training"],
                scale=alt.Scale(range=["circle", "diamond"]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("label:N", title="Period"),
                alt.Tooltip("gap:Q", title="Gap", format=".3~g"),
            ],
        )
    )
    chart = alt.layer(zero, effect_band, effect_line, points)
    spec = chart.properties(width="container", height=220).to_dict()
    spec["config"] = _config()
    return spec


def gap_chart(
    *,
    gaps: list[dict[str, Any]],
    effects: list[dict[str, Any]],
    summary: str,
    unit: str,
) -> ChartSpec:
    """Rows — ``gaps``: date, gap, window, cohort, label; ``effects``: date, end (the
    post window), estimate, ci_low, ci_high, cohort. The gap is the trained group's KPI
    less the comparison's, less its average before training: the points before training
    are the event-study leads (flat around 0 when the groups moved in parallel)."""
    spec = _fill(_gap_template(), gaps=gaps, effects=effects, zero=[{"y": 0}])
    if unit:
        layers = [dict(layer) for layer in spec["layer"]]
        enc = layers[3]["encoding"]
        layers[3]["encoding"] = {**enc, "y": {**enc["y"], "title": f"Gap ({unit})"}}
        spec["layer"] = layers
    rows = [[r["cohort"], r["label"], r["window"], _fmt(r["gap"])] for r in gaps]
    return ChartSpec(
        spec,
        summary,
        "The gap between the groups, period by period",
        Table(["Cohort", "Period", "Window", f"Gap ({unit})" if unit else "Gap"], rows),
    )


# ---------------------------------------------------------------- learning funnel


FUNNEL_BAR = 16
"""Pixels per cohort's bar; a stage's band is its cohorts' bars and a fifth more for space."""


@functools.cache
def _funnel_template() -> dict[str, Any]:
    import altair as alt

    stages = ["Enrolled", "Started", "Completed", "Passed"]
    base = alt.Chart(alt.Data(name="funnel")).encode(
        y=alt.Y("stage:N", sort=stages, title=None),
        yOffset=alt.YOffset("cohort:N"),
        x=alt.X("count:Q", title="People"),
        color=alt.Color(
            "cohort:N",
            title=None,
            scale=alt.Scale(scheme="tableau10"),
            legend=alt.Legend(columns={"expr": "width < 500 ? 1 : 4"}),  # type: ignore[arg-type]
        ),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        tooltip=[
            alt.Tooltip("cohort:N", title="Cohort"),
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("count:Q", title="People"),
            alt.Tooltip("rate:N", title="Share of enrolled"),
        ]
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11, color="#1d2430").encode(text="rate:N")
    spec = alt.layer(bars, labels).properties(width="container", height=FUNNEL_BAR).to_dict()
    spec["config"] = _config()
    return spec


def funnel_chart(rows: list[dict[str, Any]], *, summary: str, table: Table) -> ChartSpec:
    """``rows``: cohort, stage (Enrolled|Started|Completed|Passed), count, rate (text)."""
    bars = len({r["stage"] for r in rows}) * len({r["cohort"] for r in rows})
    spec = _rows_high(_fill(_funnel_template(), funnel=rows), bars, FUNNEL_BAR / 0.8)
    return ChartSpec(spec, summary, "Learning funnel", table)


# ---------------------------------------------------------------- leading indicators


@functools.cache
def _leading_template() -> dict[str, Any]:
    import altair as alt

    chart = (
        alt.Chart(alt.Data(name="leading"))
        .mark_line(point=True)
        .encode(
            # Monthly ticks: with the default ticks a few weeks of data labelled every
            # week "Aug 2026", "Aug 2026", … (overlapping labels are dropped).
            x=alt.X(
                "date:T",
                title=None,
                axis=alt.Axis(
                    format="%b %Y",
                    labelAngle=0,
                    tickCount={"interval": "month", "step": 1},  # type: ignore[arg-type]
                ),
            ),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "indicator:N",
                title=None,
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(columns={"expr": "width < 500 ? 1 : 4"}),  # type: ignore[arg-type]
            ),
            tooltip=[
                alt.Tooltip("indicator:N", title="Indicator"),
                alt.Tooltip("label:N", title="Period"),
                alt.Tooltip("value:Q", title="Value", format=".3~g"),
            ],
        )
        .properties(width="container", height=180)
    )
    spec = chart.to_dict()
    spec["config"] = _config()
    return spec


def leading_chart(
    rows: list[dict[str, Any]],
    *,
    summary: str,
    title: str = "Leading indicators",
    domain: tuple[Any, Any] | None = None,
    zero: bool = True,
) -> ChartSpec:
    """``rows``: date, label, indicator, value: one panel, one unit (``title``).

    ``domain``: the first and last date of all panels, so they share the time axis; a
    panel with one line has no legend (its title names it). ``zero=False``: the y axis
    fits the values (a process measure moving 60 → 70 is not drawn as flat).
    """
    import copy

    spec = copy.deepcopy(_fill(_leading_template(), leading=rows))
    enc = spec["encoding"]
    if not zero:
        enc["y"]["scale"] = {"zero": False}
    if domain is not None:
        enc["x"]["scale"] = {"domain": [_datetime(d) for d in domain]}
    if len({r["indicator"] for r in rows}) == 1:
        enc["color"]["legend"] = None
    table = Table(
        ["Period", "Indicator", "Value"],
        [[r["label"], r["indicator"], _fmt(r["value"])] for r in rows],
    )
    return ChartSpec(spec, summary, title, table)


def _datetime(day: Any) -> dict[str, int]:
    """A Vega-Lite DateTime for a date (months counted from 1)."""
    return {"year": day.year, "month": day.month, "date": day.day}


# ---------------------------------------------------------------- skills gap

ROW = 38
"""Pixels per row of the skills gap (a skill) and of the timeline (a cohort)."""


@functools.cache
def _skills_template() -> dict[str, Any]:
    """Skills down, target groups across (few groups: it fits a phone), biggest gap on top.

    Each cell: colour = gap in levels; text = the gap, and below it current / required.
    """
    import altair as alt

    base = alt.Chart(alt.Data(name="skills")).encode(
        x=alt.X(
            "group:N",
            title=None,
            sort=alt.EncodingSortField("group_order", op="min"),
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                # one word a line; skills_chart() pads the labels up by the extra lines,
                # which Vega writes downwards, into the first row of cells
                labelExpr="split(datum.label, ' ')",
                labelLineHeight=11,
                labelLimit=120,
                domain=False,
                ticks=False,
            ),
        ),
        y=alt.Y(
            "skill:N",
            title=None,
            sort=alt.EncodingSortField("rank", op="min"),
            axis=alt.Axis(labelLimit=170, domain=False, ticks=False),
        ),
    )
    tooltip = [
        alt.Tooltip("skill:N", title="Skill"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("required:Q", title="Required"),
        alt.Tooltip("current_text:N", title="Current"),
        alt.Tooltip("gap_text:N", title="Gap"),
        alt.Tooltip("taught_by:N", title="Taught by"),
    ]
    backdrop = base.mark_rect(cornerRadius=3, color="#eceff3").encode(tooltip=tooltip)
    cells = base.mark_rect(cornerRadius=3).encode(
        color=alt.Color(
            "gap:Q",
            title="Gap (levels below required)",
            scale=alt.Scale(scheme="orangered", domain=[0, 3], clamp=True),
            legend=alt.Legend(orient="bottom", gradientLength=160),
        ),
        tooltip=tooltip,
    )
    dark = alt.condition("datum.gap > 1.5", alt.value("white"), alt.value("#1d2430"))
    gap_text = base.mark_text(fontSize=12, fontWeight="bold", dy=-6).encode(
        text="gap_text:N", color=dark, tooltip=tooltip
    )
    level_text = base.mark_text(fontSize=9, dy=8).encode(
        text="levels_text:N", color=dark, tooltip=tooltip
    )
    spec = (
        alt.layer(backdrop, cells, gap_text, level_text)
        .properties(width="container", height=ROW)
        .to_dict()
    )
    spec["config"] = _config()
    return spec


def skills_chart(rows: list[dict[str, Any]], *, summary: str) -> ChartSpec:
    """``rows``: group, group_order, skill, rank, required, current (or None), gap (or None),
    current_text, gap_text, levels_text, taught_by."""
    table = Table(
        ["Group", "Skill", "Required", "Current", "Gap", "Taught by"],
        [
            [
                r["group"],
                r["skill"],
                str(r["required"]),
                r["current_text"],
                r["gap_text"],
                r["taught_by"],
            ]
            for r in rows
        ],
    )
    spec = _rows_high(_fill(_skills_template(), skills=rows), len({r["skill"] for r in rows}), ROW)
    lines = max((len(str(r["group"]).split()) for r in rows), default=1)
    if lines > 1:
        layers = []
        for layer in spec["layer"]:
            x = layer["encoding"]["x"]
            axis = {**x.get("axis", {}), "labelPadding": 3 + 11 * (lines - 1)}
            layers.append({**layer, "encoding": {**layer["encoding"], "x": {**x, "axis": axis}}})
        spec["layer"] = layers
    return ChartSpec(spec, summary, "Skills gap", table)


# ---------------------------------------------------------------- timeline (Gantt)


MARKER_KINDS = ["As of", "Deadline", "Milestone"]


@functools.cache
def _timeline_template() -> dict[str, Any]:
    """A Gantt chart: one row per cohort, its name written above its bars (so long names
    fit on a phone), one bar per activity coloured by kind; the pale bar is the plan, the
    solid part the share of the cohort who completed it. Rules: as-of date, goal
    deadlines and milestones."""
    import altair as alt

    x = alt.X(
        "start:T",
        title=None,
        axis=alt.Axis(
            orient="top",
            labelAngle=0,
            tickCount={"expr": "ceil(width / 70)"},  # type: ignore[arg-type]
            labelExpr=(
                "month(datum.value) == 0 || datum.index == 0"
                " ? timeFormat(datum.value, '%b %Y') : timeFormat(datum.value, '%b')"
            ),
            grid=True,
        ),
    )
    y = alt.Y(
        "row:N",
        title=None,
        sort=alt.EncodingSortField("order", op="min"),
        axis=None,
        scale=alt.Scale(paddingInner=0, paddingOuter=0),
    )
    kind = alt.Color(
        "kind:N",
        title="Activity",
        scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values())),
        legend=alt.Legend(
            orient="bottom",
            columns={"expr": "width < 420 ? 2 : 4"},  # type: ignore[arg-type]
            symbolType="square",
            symbolOpacity=1,
        ),
    )
    tooltip = [
        alt.Tooltip("row:N", title="Cohort"),
        alt.Tooltip("title:N", title="Activity"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("start:T", title="Week of", format="%d %b %Y"),
        alt.Tooltip("completion:N", title="Completed"),
    ]
    activities = alt.Chart(alt.Data(name="activities"))
    planned = activities.mark_bar(height=12, yOffset=7, opacity=0.3).encode(
        x=x, x2="end:T", y=y, color=kind, tooltip=tooltip
    )
    done = (
        activities.transform_filter("isValid(datum.share) && datum.share > 0")
        .transform_calculate(
            done_end="toDate(datum.start) + datum.share * (toDate(datum.end) - toDate(datum.start))"
        )
        .mark_bar(height=12, yOffset=7)
        .encode(x="start:T", x2="done_end:T", y=y, color=kind, tooltip=tooltip)
    )
    labels = row_titles(
        alt.Chart(alt.Data(name="rows")),
        alt.Y("row:N", sort=alt.EncodingSortField("order", op="min"), bandPosition=0),
        "label:N",
    )
    line_legend = alt.Legend(
        orient="bottom", direction="vertical", symbolType="stroke", symbolStrokeWidth=2
    )
    rules = (
        alt.Chart(alt.Data(name="markers"))
        .mark_rule(strokeWidth=1.5)
        .encode(
            x="date:T",
            color=alt.Color(
                "kind:N",
                title="Lines",
                scale=alt.Scale(domain=MARKER_KINDS, range=["#1d2430", "#b3261e", "#c98500"]),
                legend=line_legend,
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                title="Lines",
                scale=alt.Scale(domain=MARKER_KINDS, range=[[1, 0], [6, 3], [2, 2]]),
                legend=line_legend,
            ),
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("date:T", format="%d %b %Y")],
        )
    )
    as_of = (
        alt.Chart(alt.Data(name="markers"))
        .transform_filter("datum.kind == 'As of'")
        .mark_text(align="center", baseline="top", dy=4, fontSize=11, fontWeight="bold")
        .encode(
            x="date:T",
            y=alt.value({"expr": "height"}),
            text="label:N",
            color=alt.value("#1d2430"),
        )
    )
    spec = (
        alt.layer(rules, alt.layer(planned, done, labels, as_of))
        .resolve_scale(color="independent", strokeDash="independent")
        .properties(width="container", height=ROW)
        .to_dict()
    )
    spec["config"] = _config()
    return spec


def timeline_chart(
    activities: list[dict[str, Any]], markers: list[dict[str, Any]], *, summary: str, title: str
) -> ChartSpec:
    """``activities``: row, order, title, kind, start, end, share (0–1 or None), completion
    (text). ``markers``: date, kind (one of :data:`MARKER_KINDS`), label."""
    table = Table(
        ["Cohort", "Activity", "Kind", "Week of", "Completed"],
        [
            [a["row"], a["title"], a["kind"], _fmt_date(a["start"]), a["completion"]]
            for a in activities
        ],
    )
    rows: dict[str, dict[str, Any]] = {}
    for a in activities:
        rows.setdefault(a["row"], {"row": a["row"], "order": a["order"], "label": a["row"]})
    spec = _fill(
        _timeline_template(), activities=activities, markers=markers, rows=list(rows.values())
    )
    _rows_high(spec, len(rows), ROW)
    return ChartSpec(spec, summary, title, table)


# ---------------------------------------------------------------- sparkline (inline SVG)


@dataclass(frozen=True)
class Sparkline:
    points: str
    """SVG polyline points in a 100×30 box."""
    last: tuple[float, float]
    target_y: float | None
    label: str


def sparkline(values: Sequence[float], target: float | None, label: str) -> Sparkline | None:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if len(vals) < 2:
        return None
    lo = min([*vals, target] if target is not None else vals)
    hi = max([*vals, target] if target is not None else vals)
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return round(28 - (v - lo) / span * 26, 2)

    step = 100 / (len(vals) - 1)
    pts = [(round(i * step, 2), y(v)) for i, v in enumerate(vals)]
    return Sparkline(
        " ".join(f"{a},{b}" for a, b in pts),
        pts[-1],
        y(target) if target is not None else None,
        label,
    )


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    v = float(v)
    if v == 0:
        return "0"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def _fmt_date(v: Any) -> str:
    return v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)
