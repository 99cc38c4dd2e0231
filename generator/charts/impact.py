"""Impact: each group's mean before and after training (the slope the estimate rests
on) beside a forest plot of the estimated effects with their 95% intervals."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .base import (
    ChartSpec,
    Table,
    chart_config,
    fill,
    fmt,
    reads,
    row_titles,
    series_name,
    template,
)
from .palette import ACCENT, GROUP_COLOURS, INK

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis
    from ..model.site import Goal, Site


READS = reads("paths")
"""Cohort names and their KPI groups come from the paths."""


IMPACT_FIT = {"stack_below": 600, "share": [0.4, 0.6], "reserve": [70, 20]}
"""How ``charts.js`` sizes the impact chart (a concat cannot take ``width="container"``):
side by side, each panel's plot gets its ``share`` of the container width less every
panel's ``reserve`` (axes, padding) and the spacing; below ``stack_below`` px the panels
stack, their plots as wide as the container less the largest ``reserve``."""


@template
def _template() -> dict[str, Any]:
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
                scale=alt.Scale(range=list(GROUP_COLOURS)),
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
    interval = est.mark_rule(strokeWidth=3, color=ACCENT, yOffset=7).encode(
        y=cohort,
        x=alt.X("ci_low:Q", title="Effect of training (KPI units, 95% CI)"),
        x2="ci_high:Q",
    )
    point = est.mark_point(filled=True, size=90, color=ACCENT, yOffset=7).encode(
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
    zero = alt.Chart(alt.Data(name="zero")).mark_rule(color=INK, strokeDash=[3, 3]).encode(x="x:Q")
    right = alt.layer(zero, interval, point, name).properties(
        width=300, height=alt.Step(42), title="Estimated effect"
    )
    spec: dict[str, Any] = (
        alt.hconcat(slope, right, spacing=24).resolve_scale(color="independent").to_dict()
    )
    spec["config"] = chart_config()
    spec["usermeta"] = {"fit": IMPACT_FIT}
    return spec


def make(
    *, means: list[dict[str, Any]], estimates: list[dict[str, Any]], summary: str, unit: str
) -> ChartSpec:
    spec = fill(_template(), means=means, estimates=estimates, zero=[{"x": 0}])
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
            fmt(e["estimate"]),
            f"{fmt(e['ci_low'])} to {fmt(e['ci_high'])}",
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
            ["cohort", "method", "effect", "ci_low", "ci_high", "evidence"],
            [
                [e["cohort"], e["method"], e["estimate"], e["ci_low"], e["ci_high"], e["evidence"]]
                for e in estimates
            ],
        ),
    )


def _window_mean(series: Any, window: tuple[dt.date, dt.date] | None) -> tuple[float, int] | None:
    if series is None or window is None:
        return None
    import numpy as np

    # arrays, not a masked Series: four windows per goal at thousands of goals
    starts = series.index.to_numpy()
    inside = (starts >= np.datetime64(window[0], "D")) & (starts <= np.datetime64(window[1], "D"))
    part = series.to_numpy(dtype=np.float64)[inside]
    part = part[~np.isnan(part)]
    return (float(part.mean()), len(part)) if len(part) else None


def for_goal(site: Site, goal: Goal, analysis: SiteAnalysis) -> ChartSpec | None:
    """Before/after group means (the slope the estimate rests on) beside a forest plot."""
    ga = analysis.goals[goal.meta.id]
    estimates = [i for i in ga.impacts if i.estimate is not None]
    if not estimates:
        return None
    means: list[dict[str, Any]] = []
    rows = []
    for imp in estimates:
        found = site.cohort(imp.cohort)
        cohort = found[1] if found else None
        label = cohort.label if cohort else imp.cohort
        rows.append(
            {
                "cohort": label,
                "method": "Difference-in-differences"
                if imp.method == "did"
                else "Interrupted time series",
                "estimate": imp.estimate,
                "ci_low": imp.ci_low,
                "ci_high": imp.ci_high,
                "evidence": imp.evidence,
            }
        )
        groups = [(cohort.kpi_group if cohort else imp.cohort, f"{label} (trained)")]
        if imp.comparison:
            groups.append((imp.comparison, f"{series_name(site, goal, imp.comparison)}"))
        for group_key, name in groups:
            series = ga.series_by_group.get(group_key)
            for window_name, window in (
                ("Before training", imp.pre_window),
                ("After training", imp.post_window),
            ):
                m = _window_mean(series, window)
                if m is not None:
                    means.append(
                        {
                            "group": name,
                            "window": window_name,
                            "value": m[0],
                            "n": m[1],
                            "panel": label,
                        }
                    )
    summary = " ".join(i.summary for i in estimates)
    return make(means=means, estimates=rows, summary=summary, unit=goal.meta.kpi.unit)
