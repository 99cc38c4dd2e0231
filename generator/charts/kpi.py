"""The KPI over time: each group's line, the plan, the forecast band, baseline and
target, and the training of every cohort as shaded bands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import (
    ChartSpec,
    Table,
    chart_config,
    day_of,
    fill,
    fmt,
    iso_day,
    month_axis,
    period_text,
    reads,
    series_name,
    template,
    words,
)
from .palette import BAND, GREEN, GREY, INK, MUTED, NO_SERIES_COLOUR, SERIES_COLOURS

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis
    from ..model.site import Goal, Site


READS = reads("paths")
"""Cohorts' training bands and names come from every path."""


@template
def _template() -> dict[str, Any]:
    import altair as alt

    x = month_axis()
    band = (
        alt.Chart(alt.Data(name="forecast"))
        .mark_area(opacity=0.18, color=BAND)
        .encode(x=x, y="low:Q", y2="high:Q")
    )
    forecast = (
        alt.Chart(alt.Data(name="forecast"))
        .mark_line(strokeDash=[2, 3], color=MUTED)
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
            color=MUTED,
            limit={"expr": "max(90, width * 0.45)"},
        )
        .encode(x=x, y=alt.value({"expr": "3 + 13 * datum.stagger"}), text="short:N")
    )
    expected = (
        alt.Chart(alt.Data(name="expected"))
        .mark_line(strokeDash=[6, 4], color=INK, opacity=0.55)
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
                scale=alt.Scale(domain=["Baseline", "Target"], range=[GREY, GREEN]),
            ),
            tooltip=[alt.Tooltip("kind:N", title=" "), alt.Tooltip("value:Q", format=".3~g")],
        )
    )
    ref_labels = (
        alt.Chart(alt.Data(name="refs"))
        .mark_text(align="right", baseline="bottom", dy=-2, fontSize=11, color=MUTED)
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
                legend=alt.Legend(columns={"expr": "width < 500 ? 1 : 5"}),
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
    spec: dict[str, Any] = chart.properties(width="container", height=280).to_dict()
    spec["config"] = chart_config()
    return spec


def make(
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
    spec = fill(
        _template(),
        series=series,
        expected=expected,
        forecast=forecast,
        training=training,
        refs=refs,
    )
    if not training:  # an empty layer on the shared date axis: "Infinite extent" warnings
        spec["layer"] = [ly for ly in spec["layer"] if ly.get("data") != {"name": "training"}]
    rows = [[r["label"], r["series"], fmt(r["value"])] for r in series]
    return ChartSpec(
        spec,
        summary,
        title,
        Table(
            ["Period", "Series", f"Value ({unit})" if unit else "Value"],
            rows,
            ["period", "period_start", "series", "value"],
            [[r["label"], iso_day(r["date"]), r["series"], r["value"]] for r in series],
        ),
    )


def for_goal(site: Site, goal: Goal, analysis: SiteAnalysis) -> ChartSpec | None:
    ga, period = analysis.goals[goal.meta.id], analysis.period
    p = ga.progress
    k = goal.meta.kpi
    series_rows: list[dict[str, Any]] = []
    for order, (group, s) in enumerate(ga.series_by_group.items()):
        name = series_name(site, goal, group)
        for ts, v in s.items():
            series_rows.append(
                {
                    "date": day_of(ts),
                    "value": float(v),
                    "series": name,
                    "label": period_text(ts, period),
                    "order": order,
                }
            )
    if not series_rows:
        return None
    expected = [{"date": d, "value": v} for d, v in (p.expected_path or [])]
    forecast: list[dict[str, Any]] = []
    if p.forecast is not None and p.current_period is not None and p.current is not None:
        forecast = [
            {"date": p.current_period, "value": p.current, "low": p.current, "high": p.current},
            {
                "date": p.forecast.date,
                "value": p.forecast.value,
                "low": p.forecast.low,
                "high": p.forecast.high,
            },
        ]
    line_order = {group: i for i, group in enumerate(ga.series_by_group)}
    training: list[dict[str, Any]] = []
    for pid in goal.paths:
        path = site.paths[pid]
        for c in path.meta.cohorts:
            line = line_order.get(c.kpi_group)
            training.append(
                {
                    "date": c.start,
                    "end": path.cohort_end(c),
                    "label": f"{c.label} training",
                    "short": c.label,
                    "stagger": len(training) % 2,
                    "colour": NO_SERIES_COLOUR
                    if line is None
                    else SERIES_COLOURS[line % len(SERIES_COLOURS)],
                }
            )
    refs = []
    if p.baseline is not None:
        refs.append(
            {"value": p.baseline, "kind": "Baseline", "label": f"Baseline {fmt(p.baseline)}"}
        )
    refs.append(
        {"value": k.target.value, "kind": "Target", "label": f"Target {fmt(k.target.value)}"}
    )
    return make(
        series=series_rows,
        expected=expected,
        forecast=forecast,
        training=training,
        refs=refs,
        summary=p.summary,
        unit=k.unit,
        title=words(k.label, capital=True) + (f" ({k.unit})" if k.unit else ""),
    )
