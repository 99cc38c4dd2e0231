"""The learning funnel: enrolled, started, completed and passed, per cohort (a goal's
cohorts on its page, a path's on the path page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import ChartSpec, Table, chart_config, fill, reads, rows_high, template
from .palette import INK

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis
    from ..model.site import Goal, LearningPath, Site


READS = reads("paths")
"""Cohort names come from the paths."""


STAGES = ("Enrolled", "Started", "Completed", "Passed")


FUNNEL_BAR = 16
"""Pixels per cohort's bar; a stage's band is its cohorts' bars and a fifth more for space."""


@template
def _template() -> dict[str, Any]:
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
            legend=alt.Legend(columns={"expr": "width < 500 ? 1 : 4"}),
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
    labels = base.mark_text(align="left", dx=4, fontSize=11, color=INK).encode(text="rate:N")
    spec: dict[str, Any] = (
        alt.layer(bars, labels).properties(width="container", height=FUNNEL_BAR).to_dict()
    )
    spec["config"] = chart_config()
    return spec


def make(rows: list[dict[str, Any]], *, summary: str, table: Table) -> ChartSpec:
    """``rows``: cohort, stage (Enrolled|Started|Completed|Passed), count, rate (text)."""
    bars = len({r["stage"] for r in rows}) * len({r["cohort"] for r in rows})
    spec = rows_high(fill(_template(), funnel=rows), bars, FUNNEL_BAR / 0.8)
    return ChartSpec(spec, summary, "Learning funnel", table)


def from_funnels(learning: dict[str, Any], site: Site) -> ChartSpec | None:
    """The funnel of each cohort in ``learning`` (cohort id → ``Funnel``)."""
    rows: list[dict[str, Any]] = []
    table_rows: list[list[str]] = []
    hidden = []
    for cohort_id, f in learning.items():
        found = site.cohort(cohort_id)
        name = found[1].label if found else cohort_id
        if getattr(f, "suppressed", False):
            hidden.append(name)
            table_rows.append([name, "hidden (fewer than the privacy minimum)", "", "", ""])
            continue
        if not f.enrolled:
            continue
        counts = (f.enrolled, f.started, f.completed, f.passed)
        for stage, n in zip(STAGES, counts, strict=True):
            rows.append(
                {
                    "cohort": name,
                    "stage": stage,
                    "count": n,
                    "rate": f"{n / f.enrolled:.0%}" if f.enrolled else "",
                }
            )
        table_rows.append([name, *(str(n) for n in counts)])
    if not rows:
        return None
    parts = []
    for cohort_id, f in learning.items():
        if getattr(f, "suppressed", False) or not f.enrolled:
            continue
        found = site.cohort(cohort_id)
        name = found[1].label if found else cohort_id
        parts.append(
            f"{name}: {f.completed} of {f.enrolled} completed ({f.completed / f.enrolled:.0%})"
        )
    summary = "; ".join(parts) + "."
    if hidden:
        summary += f" Hidden for privacy: {', '.join(hidden)}."
    return make(
        rows,
        summary=summary,
        table=Table(["Cohort", *STAGES], table_rows),
    )


def for_goal(site: Site, goal: Goal, analysis: SiteAnalysis) -> ChartSpec | None:
    return from_funnels(analysis.goals[goal.meta.id].learning, site)


def for_path(site: Site, path: LearningPath, analysis: SiteAnalysis) -> ChartSpec | None:
    pa = analysis.paths.get(path.meta.id)
    return None if pa is None else from_funnels(pa.funnels, site)
