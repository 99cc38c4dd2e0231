"""Skills gap: the level goals require against the level their target groups have today.

For every skill a goal requires and every team in the goal's ``target_groups``: the
required level is the highest any such goal asks for; the current level is the mean
over the team's people of each person's latest recorded level. Groups smaller than
the privacy minimum are hidden. A goal without target groups is compared with
everyone in the inventory (group ``""``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..model.schema import GoalMeta, PathMeta


@dataclass(frozen=True)
class SkillGap:
    """One skill for one target group."""

    skill: str
    """Skill name, as goals and activities spell it."""
    group: str
    """Team (target group); ``""`` = everyone in the inventory."""
    required: int
    """Highest level (0–5) any goal for this group requires."""
    current: float | None
    """Mean current level of the group's people; None if unknown or hidden."""
    gap: float | None
    """required − current (positive = people are below the requirement); None if unknown."""
    people: int | None
    """People with a recorded level; None when hidden."""
    suppressed: bool
    """True when fewer than the privacy minimum have a level."""
    taught_by: tuple[str, ...]
    """Ids of learning paths with an activity that builds the skill (empty: none does)."""
    goals: tuple[str, ...]
    """Ids of the goals requiring the skill for this group."""


def latest_levels(skills: pd.DataFrame, until: dt.date | None = None) -> pd.DataFrame:
    """Each person's latest level per skill and team (undated rows count as oldest)."""
    rows = skills
    if until is not None and not rows.empty:
        rows = rows[rows["date"].isna() | (rows["date"] <= pd.Timestamp(until))]
    if rows.empty:
        return rows[["person", "skill", "team", "level"]]
    order = rows.assign(_k=rows["date"].fillna(pd.Timestamp.min), _i=range(len(rows)))
    order = order.sort_values(["_k", "_i"], kind="stable")
    last = order.drop_duplicates(["person", "skill", "team"], keep="last")
    return last[["person", "skill", "team", "level"]].reset_index(drop=True)


def skills_gaps(
    goals: Iterable[GoalMeta],
    paths: Iterable[PathMeta],
    skills: pd.DataFrame,
    *,
    min_group_size: int,
    until: dt.date | None = None,
) -> list[SkillGap]:
    """Gaps for every (skill, group) some goal requires, biggest gap first.

    Known gaps sort before unknown or hidden ones; ties by skill, then group.
    """
    required: dict[tuple[str, str], int] = {}
    wanted_by: dict[tuple[str, str], list[str]] = {}
    for g in goals:
        for skill, level in g.skills.items():
            for group in g.target_groups or [""]:
                key = (skill, group)
                required[key] = max(required.get(key, 0), int(level))
                wanted_by.setdefault(key, []).append(g.id)
    teachers: dict[str, list[str]] = {}
    for p in paths:
        for a in p.activities:
            for s in a.skills:
                if p.id not in teachers.setdefault(s, []):
                    teachers[s].append(p.id)

    levels = latest_levels(skills, until)
    stats: dict[tuple[str, str], tuple[float, int]] = {}
    if not levels.empty:
        per_person = levels.groupby(["skill", "team", "person"])["level"].mean().reset_index()
        by_team = per_person.groupby(["skill", "team"])["level"].agg(["mean", "size"])
        for (skill, team), row in by_team.iterrows():
            stats[(str(skill), str(team))] = (float(row["mean"]), int(row["size"]))
        everyone = per_person.groupby(["skill", "person"])["level"].mean().reset_index()
        for skill, grp in everyone.groupby("skill"):
            stats[(str(skill), "")] = (float(grp["level"].mean()), len(grp))

    out: list[SkillGap] = []
    for (skill, group), need in required.items():
        current, people = stats.get((skill, group), (None, 0))
        hidden = 0 < people < min_group_size
        shown = current if not hidden else None
        out.append(
            SkillGap(
                skill=skill,
                group=group,
                required=need,
                current=shown,
                gap=None if shown is None else need - shown,
                people=None if hidden else people,
                suppressed=hidden,
                taught_by=tuple(teachers.get(skill, [])),
                goals=tuple(wanted_by[(skill, group)]),
            )
        )
    out.sort(key=lambda g: (g.gap is None, -(g.gap or 0.0), g.skill, g.group))
    return out
