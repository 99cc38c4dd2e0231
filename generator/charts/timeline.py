"""Timelines (Gantt): every cohort's activities on one calendar, the pale bar the plan
and its solid part the share who completed it; lines for the as-of date, deadlines and
milestones."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..text import day_label
from .base import (
    ROW,
    ChartSpec,
    Table,
    chart_config,
    day_of,
    fill,
    iso_day,
    reads,
    row_titles,
    rows_high,
    template,
)
from .palette import AMBER, INK, KIND_COLOURS, RED

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis
    from ..model.site import Goal, LearningPath, Site


READS = reads("goals")
"""A path's timeline marks its goals' deadlines and milestones."""


MARKER_KINDS = ["As of", "Deadline", "Milestone"]


@template
def _template() -> dict[str, Any]:
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
            tickCount={"expr": "ceil(width / 70)"},
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
            columns={"expr": "width < 420 ? 2 : 4"},
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
                scale=alt.Scale(domain=MARKER_KINDS, range=[INK, RED, AMBER]),
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
            color=alt.value(INK),
        )
    )
    spec: dict[str, Any] = (
        alt.layer(rules, alt.layer(planned, done, labels, as_of))
        .resolve_scale(color="independent", strokeDash="independent")
        .properties(width="container", height=ROW)
        .to_dict()
    )
    spec["config"] = chart_config()
    return spec


def make(
    activities: list[dict[str, Any]], markers: list[dict[str, Any]], *, summary: str, title: str
) -> ChartSpec:
    """``activities``: row, order, title, kind, start, end, share (0–1 or None), completion
    (text). ``markers``: date, kind (one of :data:`MARKER_KINDS`), label."""
    table = Table(
        ["Cohort", "Activity", "Kind", "Week of", "Completed"],
        [
            [a["row"], a["title"], a["kind"], iso_day(a["start"]), a["completion"]]
            for a in activities
        ],
    )
    rows: dict[str, dict[str, Any]] = {}
    for a in activities:
        rows.setdefault(a["row"], {"row": a["row"], "order": a["order"], "label": a["row"]})
    spec = fill(_template(), activities=activities, markers=markers, rows=list(rows.values()))
    rows_high(spec, len(rows), ROW)
    return ChartSpec(spec, summary, title, table)


def _activity_rows(
    site: Site, paths: list[LearningPath], analysis: SiteAnalysis
) -> list[dict[str, Any]]:
    """One row per scheduled activity of every cohort, with the share of the cohort who
    completed it (None: no learning data for the cohort, e.g. it has not started)."""
    rows = []
    order = 0
    for path in paths:
        pa = analysis.paths.get(path.meta.id)
        for c in path.meta.cohorts:
            row = f"{path.meta.title} · {c.label}" if len(paths) > 1 else c.label
            done = (getattr(pa, "activity_completion", None) or {}).get(c.id, {}) if pa else {}
            for s in path.schedule(c):
                share = done.get(s.activity.id)
                rows.append(
                    {
                        "row": row,
                        "order": order,
                        "title": s.activity.title,
                        "kind": s.activity.kind,
                        "start": s.start,
                        "end": s.end + dt.timedelta(days=1),
                        "share": None if share is None else max(0.0, min(1.0, float(share))),
                        "completion": "–" if share is None else f"{share:.0%}",
                    }
                )
            order += 1
    return rows


def _markers(goals: list[Goal], as_of: dt.date | None) -> list[dict[str, Any]]:
    """The as-of line, and each goal's deadline and milestones."""
    out: list[dict[str, Any]] = []
    if as_of is not None:
        out.append({"date": as_of, "kind": "As of", "label": f"As of {day_label(as_of)}"})
    for g in goals:
        out.append({"date": g.deadline, "kind": "Deadline", "label": f"Deadline: {g.meta.title}"})
        for m in g.meta.kpi.milestones:
            out.append({"date": m.date, "kind": "Milestone", "label": f"Milestone: {g.meta.title}"})
    return out


_SHADING = (
    " The pale bar is the plan; its solid part is the share of the cohort who completed "
    "the activity (from the learning data)."
)


def for_site(site: Site, analysis: SiteAnalysis) -> ChartSpec | None:
    paths = list(site.paths.values())
    rows = _activity_rows(site, paths, analysis)
    if not rows:
        return None
    markers = _markers(list(site.goals.values()), day_of(analysis.as_of))
    first = min(r["start"] for r in rows)
    last = max(r["end"] for r in rows) - dt.timedelta(days=1)
    cohorts = sum(len(p.meta.cohorts) for p in paths)
    summary = (
        f"{len(paths)} learning {'path' if len(paths) == 1 else 'paths'}, {cohorts} "
        f"{'cohort' if cohorts == 1 else 'cohorts'}, training from {day_label(first)} to "
        f"{day_label(last)}; lines mark the data's as-of date, goal deadlines and milestones."
        + _SHADING
    )
    return make(rows, markers, summary=summary, title="All learning on one calendar")


def for_path(site: Site, path: LearningPath, analysis: SiteAnalysis) -> ChartSpec | None:
    rows = _activity_rows(site, [path], analysis)
    if not rows:
        return None
    markers = _markers(
        [site.goals[g] for g in path.goals if g in site.goals], day_of(analysis.as_of)
    )
    summary = (
        "; ".join(
            f"{c.label}: {day_label(c.start)} – {day_label(path.cohort_end(c))}"
            for c in path.meta.cohorts
        )
        + "."
        + _SHADING
    )
    return make(rows, markers, summary=summary, title="Schedule by cohort")
