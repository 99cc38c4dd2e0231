"""analysis/skills.py: required vs current level per group, ordering, privacy, who teaches it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from generator.analysis.skills import skills_gaps
from generator.model.schema import GoalMeta, PathMeta


def goal(gid: str, skills: dict[str, int], groups: list[str]) -> GoalMeta:
    return GoalMeta.model_validate(
        {
            "id": gid,
            "title": gid,
            "owner": "o",
            "target_groups": groups,
            "skills": skills,
            "kpi": {
                "metric": "m",
                "direction": "increase",
                "target": {"value": 1, "date": "2027-01-01"},
            },
        }
    )


PATH = PathMeta.model_validate(
    {
        "id": "med",
        "title": "Medication",
        "cohorts": [{"id": "c1", "start": "2026-01-05"}],
        "activities": [
            {"id": "a", "title": "A", "kind": "course", "week": 1, "skills": ["med-safety"]},
            {
                "id": "b",
                "title": "B",
                "kind": "practice",
                "week": 2,
                "skills": ["med-safety", "reporting"],
            },
        ],
    }
)


def inventory(rows: list[tuple[str, str, int, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person": pd.Series([r[0] for r in rows], dtype="str"),
            "skill": pd.Series([r[1] for r in rows], dtype="str"),
            "level": pd.Series([r[2] for r in rows], dtype="int64"),
            "team": pd.Series([r[3] for r in rows], dtype="str"),
            "date": pd.Series(pd.to_datetime([r[4] for r in rows]), dtype="datetime64[ns]"),
        }
    )


def people(team: str, skill: str, levels: list[int], date: str | None = "2026-01-01") -> list[Any]:
    return [(f"{team}-{i}", skill, lv, team, date) for i, lv in enumerate(levels)]


def test_gaps_sorted_biggest_first_with_latest_level_per_person() -> None:
    rows = [
        *people("nurses", "med-safety", [1, 1, 2, 2, 1]),  # mean 1.4
        *people("nurses", "reporting", [2, 2, 2, 1, 1]),  # mean 1.6
        *people("nurses", "triage", [0, 0, 1, 0, 0]),  # mean 0.2
        # a newer assessment for nurses-0 replaces the older one (2 → 3 in med-safety)
        ("nurses-0", "med-safety", 3, "nurses", "2026-06-01"),
        # after as_of: ignored
        ("nurses-1", "med-safety", 5, "nurses", "2027-01-01"),
    ]
    goals = [
        goal("errors", {"med-safety": 3, "reporting": 2}, ["nurses"]),
        goal("triage", {"triage": 2, "med-safety": 4}, ["nurses"]),
    ]
    gaps = skills_gaps(
        goals, [PATH], inventory(rows), min_group_size=5, until=dt.date(2026, 12, 31)
    )
    assert [(g.skill, g.required) for g in gaps] == [
        ("med-safety", 4),
        ("triage", 2),
        ("reporting", 2),
    ]
    med, triage, reporting = gaps
    assert med.current == pytest.approx((3 + 1 + 2 + 2 + 1) / 5)
    assert med.gap == pytest.approx(4 - 1.8) and med.people == 5
    assert med.goals == ("errors", "triage") and med.taught_by == ("med",)
    assert triage.gap == pytest.approx(1.8) and triage.taught_by == ()  # no path teaches it
    assert reporting.gap == pytest.approx(0.4) and reporting.taught_by == ("med",)


@pytest.mark.parametrize(("n", "hidden"), [(4, True), (5, False)])
def test_small_groups_are_hidden(n: int, hidden: bool) -> None:
    rows = people("pharmacists", "med-safety", [1] * n)
    (gap,) = skills_gaps(
        [goal("g", {"med-safety": 3}, ["pharmacists"])], [PATH], inventory(rows), min_group_size=5
    )
    assert gap.suppressed is hidden
    if hidden:
        assert (gap.current, gap.gap, gap.people) == (None, None, None)
    else:
        assert (gap.current, gap.gap, gap.people) == (1.0, 2.0, 5)


def test_unknown_groups_sort_last_and_goals_without_groups_use_everyone() -> None:
    rows = [*people("a", "s", [1, 1, 1, 1, 1]), *people("b", "s", [3, 3, 3, 3, 3], date=None)]
    goals = [goal("g1", {"s": 2}, ["a", "nobody"]), goal("g2", {"s": 4}, [])]
    gaps = skills_gaps(goals, [], inventory(rows), min_group_size=5)
    assert [(g.group, g.gap) for g in gaps] == [("", 2.0), ("a", 1.0), ("nobody", None)]
    assert gaps[2].people == 0 and not gaps[2].suppressed
    assert gaps[0].people == 10 and gaps[0].taught_by == ()


def test_empty_inventory() -> None:
    empty = inventory([])
    (gap,) = skills_gaps([goal("g", {"s": 2}, ["a"])], [PATH], empty, min_group_size=5)
    assert (gap.current, gap.gap, gap.people, gap.suppressed) == (None, None, 0, False)
