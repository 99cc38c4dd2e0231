"""The typed site: frozen ``Goal``, ``LearningPath`` and ``Page`` objects with their cross
references resolved (parent/children, goal ↔ path) and each cohort's schedule, made by
``model.validate.validate_site``."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..load.config import SiteConfig
from ..load.content import SourceDoc
from .schema import Activity, Cohort, GoalMeta, KeyResult, PageMeta, PathMeta

RESERVED_PAGE_IDS = frozenset(
    {
        "goals",
        "paths",
        "assets",
        "api",
        "timeline",
        "alignment",
        "skills",
        "reviews",
        "search",
        "tags",
        "departments",
        "sitemap.xml",
    }  # fmt: skip
)
"""Top-level folders the generator writes itself; a page may not take one of these ids."""


@dataclass(frozen=True)
class Goal:
    meta: GoalMeta
    source: SourceDoc
    paths: tuple[str, ...] = ()
    """Learning paths serving the goal: its own list plus paths naming it."""
    children: tuple[str, ...] = ()
    """Goals whose parent is this goal."""

    def __getattr__(self, name: str) -> Any:  # goal.title reads goal.meta.title
        return getattr(self.meta, name)

    def for_key_result(self, kpi: KeyResult) -> Goal:
        """The goal as if ``kpi`` were its one KPI: what every single-KPI stage reads
        (a goal with several key results is analysed once per key result)."""
        from dataclasses import replace

        meta = self.meta.model_copy(update={"kpi": kpi, "kpis": []})
        meta.__dict__.pop("key_results", None)  # the copy's own, not the original's cache
        return replace(self, meta=meta)

    @functools.cached_property
    def deadline(self) -> dt.date:
        """The latest key result's deadline (the goal's one KPI's)."""
        return max(kr.target.date for kr in self.meta.key_results)


@dataclass(frozen=True)
class ScheduledActivity:
    activity: Activity
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class LearningPath:
    meta: PathMeta
    source: SourceDoc
    goals: tuple[str, ...] = ()
    """Goals the path serves: its own list plus goals naming it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.meta, name)

    @property
    def weeks(self) -> int:
        return max(a.week for a in self.meta.activities)

    @property
    def skills(self) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.meta.activities:
            for s in a.skills:
                seen.setdefault(s)
        return list(seen)

    def schedule(self, cohort: Cohort) -> list[ScheduledActivity]:
        """Activities in week order with their calendar dates for ``cohort``."""
        acts = sorted(self.meta.activities, key=lambda a: (a.week, a.id))
        out = []
        for a in acts:
            start = cohort.start + dt.timedelta(weeks=a.week - 1)
            out.append(ScheduledActivity(a, start, start + dt.timedelta(days=6)))
        return out

    def cohort_end(self, cohort: Cohort) -> dt.date:
        """Last day of the cohort's last activity week."""
        return cohort.start + dt.timedelta(weeks=self.weeks) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Page:
    meta: PageMeta
    source: SourceDoc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.meta, name)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    goals: dict[str, Goal] = field(default_factory=dict)
    paths: dict[str, LearningPath] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def key_results(self) -> Iterator[tuple[Goal, KeyResult]]:
        """Every goal's every key result (a goal with one ``kpi`` has one)."""
        for g in self.goals.values():
            for kr in g.meta.key_results:
                yield g, kr

    def cohort(self, cohort_id: str) -> tuple[LearningPath, Cohort] | None:
        for p in self.paths.values():
            for c in p.meta.cohorts:
                if c.id == cohort_id:
                    return p, c
        return None

    def ancestors(self, goal_id: str) -> list[Goal]:
        out: list[Goal] = []
        parent = self.goals[goal_id].meta.parent
        while parent and parent in self.goals and len(out) < len(self.goals):
            out.append(self.goals[parent])
            parent = self.goals[parent].meta.parent
        return out
