"""A review's learning completion: the share of enrolled learners who completed each
path now (bar) and a period earlier (tick)."""

from __future__ import annotations

from typing import Any

from ..analysis.reviews import Review
from .base import ChartSpec, Table, chart_config, fill, pct_text, row_titles, template
from .palette import ACCENT, INK

LEARNING_ROW = 40
"""Pixels per path: its title and "+N completed" on top, the bar below."""


@template
def _template() -> dict[str, Any]:
    """One row per path: the title above the bar at the left, "+N completed" at the right
    (inside the plot: after the bar's end it ran past the edge on a phone)."""
    import altair as alt

    y = alt.Y(
        "path:N", title=None, sort=None, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0)
    )
    top = alt.Y("path:N", sort=None, bandPosition=0, axis=None)
    tooltip = [
        alt.Tooltip("path:N", title="Path"),
        alt.Tooltip("then_text:N", title="Completed before"),
        alt.Tooltip("now_text:N", title="Completed now"),
        alt.Tooltip("label:N", title="This period"),
    ]
    base = alt.Chart(alt.Data(name="paths"))
    bars = base.mark_bar(color=ACCENT, cornerRadiusEnd=3, height=12, yOffset=8).encode(
        y=y,
        x=alt.X(
            "now:Q", title="Enrolled learners who completed (%)", scale=alt.Scale(domain=[0, 100])
        ),
        tooltip=tooltip,
    )
    before = base.mark_tick(color=INK, thickness=2, size=18, yOffset=8).encode(
        y=y, x=alt.X("then:Q"), tooltip=tooltip
    )
    titles = row_titles(base, top, "path:N", limit="max(60, width - 100)")
    text = dict(baseline="top", dy=3, fontSize=11, color=INK)
    added = base.mark_text(align="right", **text).encode(
        y=top, x=alt.value("width"), text="label:N"
    )
    # numeric height (rows × LEARNING_ROW, set by for_review): see review_progress._template
    chart = alt.layer(bars, before, titles, added).properties(
        width="container", height=LEARNING_ROW
    )
    spec: dict[str, Any] = chart.to_dict()
    spec["config"] = chart_config()
    return spec


def for_review(review: Review) -> ChartSpec | None:
    """Completion rate per path now (bar) and at the previous period's end (tick)."""
    shown = [lc for lc in review.learning if not lc.hidden and lc.rate_now is not None]
    if not shown:
        return None
    rows = [
        {
            "path": lc.title,
            "now": lc.rate_now * 100.0 if lc.rate_now is not None else None,
            "then": lc.rate_then * 100.0 if lc.rate_then is not None else None,
            "now_text": pct_text(lc.rate_now),
            "then_text": pct_text(lc.rate_then),
            "label": f"+{lc.completed_in_period} completed" if lc.completed_in_period else "",
        }
        for lc in shown
    ]
    total = sum(lc.completed_in_period or 0 for lc in shown)
    summary = (
        f"{total} learners completed a path in {review.period.title}; bars show the share of "
        f"enrolled learners who have completed each path, ticks the share a period earlier."
    )
    table = Table(
        ["Path", f"Completed by {review.previous.title}", "Completed now", "In this period"],
        [
            [
                lc.title,
                pct_text(lc.rate_then),
                pct_text(lc.rate_now),
                "–" if lc.completed_in_period is None else str(lc.completed_in_period),
            ]
            for lc in shown
        ],
    )
    spec = fill(_template(), paths=rows)
    spec["height"] = LEARNING_ROW * len(rows)
    return ChartSpec(spec, summary, "Learning completion", table)
