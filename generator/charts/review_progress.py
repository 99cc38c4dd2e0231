"""A review's progress against plan: each goal's dot now, a hollow dot a period earlier,
a tick for the plan."""

from __future__ import annotations

from typing import Any

from ..analysis.progress import ATTENTION_ORDER, STATUS_LABELS
from ..analysis.reviews import Review
from .base import ChartSpec, Table, chart_config, fill, pct_text, row_titles, template
from .palette import GREY, INK, MUTED, STATUS_COLOURS

_SHOWN_RANGE = (-50.0, 150.0)
"""Progress (%) outside this range is drawn at its edge (the table has the real value)."""


def _clip(v: float) -> float:
    return min(max(v * 100.0, _SHOWN_RANGE[0]), _SHOWN_RANGE[1])


PROGRESS_ROW = 40
"""Pixels per goal: its title on top, the dots and the plan's tick below."""


@template
def _template() -> dict[str, Any]:
    """One row per goal, its title written above its dots (as in the timeline): as axis
    labels the titles took most of a phone's width and were cut short on a laptop."""
    import altair as alt

    y = alt.Y(
        "goal:N",
        title=None,
        sort=alt.EncodingSortField("order", op="min"),
        axis=None,
        scale=alt.Scale(paddingInner=0, paddingOuter=0),
    )
    x_title = "Progress from baseline (0%) to target (100%)"
    x = alt.X("now:Q", title=x_title, scale=alt.Scale(nice=True))
    tooltip = [
        alt.Tooltip("goal:N", title="Goal"),
        alt.Tooltip("then_text:N", title="Previous period"),
        alt.Tooltip("now_text:N", title="This period"),
        alt.Tooltip("expected_text:N", title="Plan by now"),
        alt.Tooltip("status_label:N", title="Status"),
    ]
    refs = (
        alt.Chart(alt.Data(name="refs"))
        .mark_rule(strokeDash=[4, 3], color=GREY)
        .encode(x=alt.X("value:Q"))
    )
    base = alt.Chart(alt.Data(name="goals"))
    titles = row_titles(
        base,
        alt.Y("goal:N", sort=alt.EncodingSortField("order", op="min"), bandPosition=0, axis=None),
        "goal:N",
    )
    link = base.mark_rule(color=GREY, strokeWidth=2, yOffset=8).encode(y=y, x=x, x2="then:Q")
    then = base.mark_point(shape="circle", size=60, color=MUTED, filled=False, yOffset=8).encode(
        y=y, x=alt.X("then:Q"), tooltip=tooltip
    )
    expected = base.mark_tick(color=INK, thickness=2, size=16, yOffset=8).encode(
        y=y, x=alt.X("expected:Q"), tooltip=tooltip
    )
    labels = [STATUS_LABELS[s] for s in ATTENTION_ORDER]
    now = base.mark_point(shape="circle", size=110, filled=True, opacity=1, yOffset=8).encode(
        y=y,
        x=x,
        color=alt.Color(
            "status_label:N",
            title="Status now",
            scale=alt.Scale(domain=labels, range=[STATUS_COLOURS[s] for s in ATTENTION_ORDER]),
            legend=alt.Legend(columns={"expr": "width < 500 ? 3 : 7"}),
        ),
        tooltip=tooltip,
    )
    # A numeric height (``for_review`` sets rows × PROGRESS_ROW): with a Step height
    # and a container width Vega-Lite warns 'Dropping "fit-y"'.
    chart = alt.layer(refs, titles, link, expected, then, now).properties(
        width="container", height=PROGRESS_ROW
    )
    spec: dict[str, Any] = chart.to_dict()
    spec["config"] = chart_config()
    return spec


def for_review(review: Review) -> ChartSpec | None:
    """Progress against plan: each goal's dot now, a hollow dot then, a bar for the plan."""
    rows: list[dict[str, Any]] = []
    table: list[list[str]] = []
    for i, g in enumerate(review.goals):
        table.append(
            [
                g.title,
                pct_text(g.progress_then),
                pct_text(g.progress_now),
                pct_text(g.expected_now),
                STATUS_LABELS.get(g.status_now, g.status_now),
            ]
        )
        if g.progress_now is None:
            continue
        rows.append(
            {
                "goal": g.title,
                "order": i,
                "now": _clip(g.progress_now),
                "then": _clip(g.progress_then) if g.progress_then is not None else None,
                "expected": _clip(g.expected_now) if g.expected_now is not None else None,
                "now_text": pct_text(g.progress_now),
                "then_text": pct_text(g.progress_then),
                "expected_text": pct_text(g.expected_now),
                "status_label": STATUS_LABELS.get(g.status_now, g.status_now),
            }
        )
    if not rows:
        return None
    refs = [{"value": 0.0}, {"value": 100.0}]
    ahead = sum(1 for g in review.goals if g.gap_now is not None and g.gap_now <= 0)
    summary = (
        f"Progress of {len(rows)} goals at the end of {review.period.title} (filled dots) "
        f"against {review.previous.title} (hollow dots) and the plan (bars); "
        f"{ahead} at or ahead of plan."
    )
    spec = fill(_template(), goals=rows, refs=refs)
    spec["height"] = PROGRESS_ROW * len(rows)
    return ChartSpec(
        spec,
        summary,
        "Progress against plan",
        Table(["Goal", review.previous.title, review.period.title, "Plan by now", "Status"], table),
    )
