"""The rules of a goal's KPIs that its front matter alone decides (``validate.py`` runs
them after the models have parsed): a target the KPI's way from its baseline and after
it, milestones between the two, no two key results on the same metric and group. Each
problem names the field: ``kpi.target.value`` or ``kpis[1].metric``.
"""

from __future__ import annotations

from ..errors import Problems
from ..load.content import SourceDoc
from .problems import error_at
from .schema import GoalMeta, Kpi


def check_goal_rules(goals: dict[str, tuple[GoalMeta, SourceDoc]], problems: Problems) -> None:
    """Each goal's KPIs (one ``kpi`` or its ``kpis``): no two on the same number, and each
    by :func:`check_kpi_rules`."""
    for m, doc in goals.values():
        seen: set[tuple[str, str]] = set()
        for where, k in m.kpi_fields():
            if (k.metric, k.group) in seen:
                error_at(
                    problems,
                    doc,
                    (*where, "metric"),
                    f"a second key result for metric '{k.metric}'"
                    + (f" in group '{k.group}'" if k.group else ""),
                    "each key result is its own number: remove one, or give it another group",
                )
            seen.add((k.metric, k.group))
            check_kpi_rules(k, where, doc, problems)


def check_kpi_rules(
    k: Kpi, where: tuple[str | int, ...], doc: SourceDoc, problems: Problems
) -> None:
    """One KPI's own rules: the target lies the KPI's way from the baseline, after it;
    milestones fall between the two. ``where``: the KPI's field (``kpi`` or ``kpis.i``)."""
    base = k.baseline
    if base is not None and base.value is not None:
        wrong_way = (k.direction == "increase" and k.target.value <= base.value) or (
            k.direction == "decrease" and k.target.value >= base.value
        )
        if wrong_way:
            error_at(
                problems,
                doc,
                (*where, "target", "value"),
                f"target {k.target.value:g} does not {k.direction} from the baseline "
                f"{base.value:g}",
                "check the direction, or swap baseline and target",
            )
    if base is not None and base.as_of and base.as_of >= k.target.date:
        error_at(
            problems,
            doc,
            (*where, "target", "date"),
            f"the deadline {k.target.date} is not after the baseline ({base.as_of})",
        )
    for i, ms in enumerate(k.milestones):
        if ms.date > k.target.date or (base and base.as_of and ms.date < base.as_of):
            error_at(
                problems,
                doc,
                (*where, "milestones", i, "date"),
                f"milestone {ms.date} lies outside baseline → deadline",
            )
