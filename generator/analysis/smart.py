"""The SMART check: which of Specific, Measurable, Achievable, Relevant, Time-bound a plan has.

Pure: reads the typed goal (and whether its metric has data), says what is present
and, kindly and precisely, what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model.schema import GoalMeta
from ..text import count, day_label, id_words

Verdict = Literal["yes", "partly", "no"]


@dataclass(frozen=True)
class SmartCriterion:
    letter: str
    name: str
    verdict: Verdict
    have: tuple[str, ...]
    """What the plan already says."""
    missing: tuple[str, ...]
    """What to add, as a suggestion to the author."""


@dataclass(frozen=True)
class SmartCheck:
    criteria: tuple[SmartCriterion, ...]

    @property
    def score(self) -> int:
        return sum(1 for c in self.criteria if c.verdict == "yes")

    @property
    def complete(self) -> bool:
        return self.score == len(self.criteria)


def _verdict(have: list[str], missing: list[str]) -> Verdict:
    if not missing:
        return "yes"
    return "partly" if have else "no"


def smart_check(
    goal: GoalMeta, *, has_paths: bool, metric_has_data: bool, parent_title: str | None = None
) -> SmartCheck:
    """The SMART criteria of one plan; ``parent_title`` names the goal it serves."""
    k = goal.kpi
    krs = goal.key_results
    have, missing = [], []
    # Specific: what changes, for whom.
    if len(krs) > 1:
        have.append(
            f"{len(krs)} key results: " + "; ".join(f"{kr.label}, to {kr.direction}" for kr in krs)
        )
    else:
        have.append(f"KPI: {k.label}, to {k.direction}")
    if goal.target_groups:
        groups = ", ".join(id_words(g) for g in goal.target_groups)
        have.append(
            ("target groups: " if len(goal.target_groups) > 1 else "target group: ") + groups
        )
    else:
        missing.append("name the target group whose work should change (target_groups)")
    specific = SmartCriterion("S", "Specific", _verdict(have, missing), tuple(have), tuple(missing))

    have, missing = [], []
    if len(krs) > 1:
        without = [i for i, kr in enumerate(krs) if kr.baseline is None]
        if without:
            missing += [
                f"add a baseline to key result {i + 1} (kpis[{i}].baseline)" for i in without
            ]
        else:
            have.append("a baseline for every key result")
    elif k.baseline is not None:
        have.append("baseline " + ("from a data window" if k.baseline.window else "value"))
    else:
        missing.append("add a baseline (kpi.baseline: value and date, or a window)")
    have.append(f"target {k.target.value:g}" + (f" {k.unit}" if k.unit else ""))
    if metric_has_data:
        have.append("KPI data present")
    else:
        missing.append(f"add observations of the metric {k.metric} to the KPI data")
    measurable = SmartCriterion(
        "M", "Measurable", _verdict(have, missing), tuple(have), tuple(missing)
    )

    have, missing = [], []
    if goal.actions:
        have.append(count(len(goal.actions), "action"))
    else:
        missing.append("list the actions that will move the number (actions)")
    if has_paths:
        have.append("learning path linked")
    elif any(a.training for a in goal.actions):
        missing.append("link the learning path that carries the training actions")
    if goal.costs is None:
        missing.append("state the resources (costs) so the plan can be judged achievable")
    else:
        have.append("resources budgeted")
    achievable = SmartCriterion(
        "A", "Achievable", _verdict(have, missing), tuple(have), tuple(missing)
    )

    have, missing = [], []
    if goal.parent:
        have.append(f"serves “{parent_title or goal.parent}”")
    if goal.department:
        have.append(f"department: {goal.department}")
    if not have:
        missing.append("say which higher goal (parent) or department priority this serves")
    relevant = SmartCriterion("R", "Relevant", _verdict(have, missing), tuple(have), tuple(missing))

    have, missing = [f"deadline {day_label(k.target.date)}"], []
    if k.milestones:
        have.append(count(len(k.milestones), "milestone"))
    else:
        missing.append("add milestones so progress can be checked along the way (optional)")
    time_bound = SmartCriterion(
        "T",
        "Time-bound",
        "yes" if k.milestones else "partly",
        tuple(have),
        tuple(missing),
    )
    return SmartCheck((specific, measurable, achievable, relevant, time_bound))
