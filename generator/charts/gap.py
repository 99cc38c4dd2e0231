"""The gap between trained and comparison group, period by period, against its average
before training (the event-study leads), with the estimated effect over the post window."""

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
    template,
)
from .palette import INK, SERIES_COLOURS

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis
    from ..model.site import Goal, Site


READS = reads("paths")
"""Cohorts and their KPI groups come from the paths."""


@template
def _template() -> dict[str, Any]:
    import altair as alt

    x = month_axis()
    # one legend for the layers' shared scale, drawn as solid dots: the band's pale
    # square would otherwise stand for the cohort
    colour = alt.Color(
        "cohort:N",
        title=None,
        scale=alt.Scale(range=list(SERIES_COLOURS[1:])),
        legend=alt.Legend(orient="bottom", columns=1, symbolType="circle", symbolOpacity=1),
    )
    zero = alt.Chart(alt.Data(name="zero")).mark_rule(color=INK, strokeDash=[3, 3]).encode(y="y:Q")
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
    spec: dict[str, Any] = chart.properties(width="container", height=220).to_dict()
    spec["config"] = chart_config()
    return spec


def make(
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
    spec = fill(_template(), gaps=gaps, effects=effects, zero=[{"y": 0}])
    if unit:
        layers = [dict(layer) for layer in spec["layer"]]
        enc = layers[3]["encoding"]
        layers[3]["encoding"] = {**enc, "y": {**enc["y"], "title": f"Gap ({unit})"}}
        spec["layer"] = layers
    rows = [[r["cohort"], r["label"], r["window"], fmt(r["gap"])] for r in gaps]
    return ChartSpec(
        spec,
        summary,
        "The gap between the groups, period by period",
        Table(
            ["Cohort", "Period", "Window", f"Gap ({unit})" if unit else "Gap"],
            rows,
            ["cohort", "period", "period_start", "window", "gap"],
            [[r["cohort"], r["label"], iso_day(r["date"]), r["window"], r["gap"]] for r in gaps],
        ),
    )


def for_goal(site: Site, goal: Goal, analysis: SiteAnalysis) -> ChartSpec | None:
    """Each DiD cohort's trained-minus-comparison gap per period, centred on its average
    before training, with the estimated effect over the post window."""
    ga, period = analysis.goals[goal.meta.id], analysis.period
    import pandas as pd

    from ..dates import period_end

    gaps: list[dict[str, Any]] = []
    effects: list[dict[str, Any]] = []
    for imp in ga.impacts:
        if imp.method != "did" or imp.ci_low is None or not imp.pre_window or not imp.post_window:
            continue
        found = site.cohort(imp.cohort)
        if found is None:
            continue
        cohort = found[1]
        treated = ga.series_by_group.get(cohort.kpi_group)
        comparison = ga.series_by_group.get(imp.comparison) if imp.comparison is not None else None
        if treated is None or comparison is None:
            continue
        d = (treated - comparison).dropna()
        pre = d[
            (d.index >= pd.Timestamp(imp.pre_window[0]))
            & (d.index <= pd.Timestamp(imp.pre_window[1]))
        ]
        post = d[
            (d.index >= pd.Timestamp(imp.post_window[0]))
            & (d.index <= pd.Timestamp(imp.post_window[1]))
        ]
        if pre.empty or post.empty:
            continue
        base = float(pre.mean())
        for window, part in (("Before training", pre), ("After training", post)):
            for ts, v in part.items():
                gaps.append(
                    {
                        "date": day_of(ts),
                        "gap": float(v) - base,
                        "window": window,
                        "cohort": cohort.label,
                        "label": period_text(ts, period),
                    }
                )
        effects.append(
            {
                "date": imp.post_window[0],
                "end": period_end(imp.post_window[1], period).date(),
                "estimate": imp.estimate,
                "ci_low": imp.ci_low,
                "ci_high": imp.ci_high,
                "cohort": cohort.label,
            }
        )
    if not gaps:
        return None
    summary = (
        "Each point is the trained group's KPI less the comparison's in one period, against "
        "its average before training: before training (circles) it should stay near 0 if "
        "the groups moved in parallel; after it (diamonds), the band is the estimated "
        "effect with its 95% interval."
    )
    return make(gaps=gaps, effects=effects, summary=summary, unit=goal.meta.kpi.unit)
