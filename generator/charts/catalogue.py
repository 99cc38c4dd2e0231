"""Which charts each page shows, in order: one line a chart.

A page's charts are a dict, name → :class:`ChartSpec`, that its template reads by name
(``charts.get('kpi')``). A chart that returns ``None`` has nothing to draw and is left
out; one that returns a list (the leading indicators, a panel per unit) adds
``name``, ``name-2``, ``name-3``…

``build_charts`` returns :class:`SiteCharts`: each goal's and path's charts and the
site-wide ones. Pure: no files, no HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import funnel, gap, impact, kpi, leading, review_learning, review_progress, skills, timeline
from .base import ChartSpec

if TYPE_CHECKING:
    from ..analysis.reviews import Review
    from ..analysis.site import Mapper, SiteAnalysis
    from ..model.site import Goal, LearningPath, Site

Made = ChartSpec | Sequence[ChartSpec] | None
F = TypeVar("F", bound=Callable[..., Made])


@dataclass(frozen=True)
class PageChart(Generic[F]):
    """One chart of a page: its name in the page's ``charts``, the function that makes
    it, and what it reads besides the page's own analysis (the chart module's
    ``READS``, for the build memo's key)."""

    name: str
    make: F
    reads: frozenset[str] = frozenset()


GoalChart = Callable[["Site", "Goal", "SiteAnalysis"], Made]
PathChart = Callable[["Site", "LearningPath", "SiteAnalysis"], Made]
ReviewChart = Callable[["Review"], Made]

GOAL_CHARTS: tuple[PageChart[GoalChart], ...] = (
    PageChart("kpi", kpi.for_goal, kpi.READS),
    PageChart("impact", impact.for_goal, impact.READS),
    PageChart("gap", gap.for_goal, gap.READS),
    PageChart("funnel", funnel.for_goal, funnel.READS),
    PageChart("leading", leading.for_goal, leading.READS),
    PageChart("skills", skills.for_goal, skills.READS),
)
PATH_CHARTS: tuple[PageChart[PathChart], ...] = (
    PageChart("timeline", timeline.for_path, timeline.READS),
    PageChart("funnel", funnel.for_path, funnel.READS),
)
REVIEW_CHARTS: tuple[PageChart[ReviewChart], ...] = (
    PageChart("progress", review_progress.for_review),
    PageChart("learning", review_learning.for_review),
)


def reads_of(charts: Sequence[PageChart[Any]]) -> frozenset[str]:
    """Everything a page's charts read besides the page's own analysis."""
    return frozenset().union(*(c.reads for c in charts))


def _collect(charts: Sequence[PageChart[Any]], *args: Any) -> dict[str, ChartSpec]:
    out: dict[str, ChartSpec] = {}
    for chart in charts:
        made = chart.make(*args)
        if made is None:
            continue
        if isinstance(made, ChartSpec):
            out[chart.name] = made
            continue
        for i, panel in enumerate(made):
            out[chart.name if i == 0 else f"{chart.name}-{i + 1}"] = panel
    return out


def goal_charts(site: Site, goal: Goal, analysis: SiteAnalysis) -> dict[str, ChartSpec]:
    """The goal's charts; a goal with several key results adds each one's KPI chart after
    the first (``key-result-2``, ``key-result-3``…; the first is ``kpi``)."""
    out = _collect(GOAL_CHARTS, site, goal, analysis)
    from dataclasses import replace

    ga = analysis.goals.get(goal.meta.id)
    for kr in ga.key_results if ga is not None else ():
        # each on its own analysis: the goal's combined status is not the key result's
        alone = replace(analysis, goals={goal.meta.id: kr.analysis})
        made = kpi.for_goal(site, goal.for_key_result(kr.kpi), alone)
        name = "kpi" if kr.number == 1 else f"key-result-{kr.number}"
        if made is not None:
            out[name] = made
        else:
            out.pop(name, None)
    return out


def path_charts(site: Site, path: LearningPath, analysis: SiteAnalysis) -> dict[str, ChartSpec]:
    return _collect(PATH_CHARTS, site, path, analysis)


def review_charts(review: Review) -> dict[str, ChartSpec]:
    return _collect(REVIEW_CHARTS, review)


PageCharts = dict[str, ChartSpec]
"""One page's charts by name, in the page's order."""


@dataclass(frozen=True)
class SiteCharts:
    """Every page's charts: each goal's and path's, and the site-wide ones."""

    goals: Mapping[str, PageCharts] = field(default_factory=dict)
    paths: Mapping[str, PageCharts] = field(default_factory=dict)
    timeline: ChartSpec | None = None
    """All learning on one calendar (the timeline page)."""
    skills: ChartSpec | None = None
    """The site-wide skills gap (the skills page)."""


def build_charts(
    site: Site,
    analysis: SiteAnalysis,
    reuse_goals: Mapping[str, PageCharts] | None = None,
    reuse_paths: Mapping[str, PageCharts] | None = None,
    mapper: Mapper | None = None,
) -> SiteCharts:
    """Every page's charts. ``reuse_goals`` / ``reuse_paths``: charts of an earlier build
    whose inputs the caller knows are unchanged (``build/memo.py``), taken as they are.
    ``mapper(fn, ids)`` makes the goals' charts, maybe on several processes."""
    old_goals, old_paths = reuse_goals or {}, reuse_paths or {}
    todo = [gid for gid in site.goals if gid not in old_goals]

    def one_goal(gid: str) -> PageCharts:
        return goal_charts(site, site.goals[gid], analysis)

    from ..analysis.site import serial

    made = dict(zip(todo, (mapper or serial)(one_goal, todo), strict=True))
    return SiteCharts(
        goals=_GoalCharts(list(site.goals), made, old_goals),
        paths={
            pid: old_paths[pid] if pid in old_paths else path_charts(site, path, analysis)
            for pid, path in site.paths.items()
        },
        timeline=timeline.for_site(site, analysis),
        skills=skills.for_site(site, analysis),
    )


class _GoalCharts(Mapping[str, PageCharts]):
    """Each goal's charts, made now or reused; a reused goal's are taken from
    ``reused`` only when a page asks (a saved state keeps them packed)."""

    def __init__(
        self, order: list[str], made: Mapping[str, PageCharts], reused: Mapping[str, PageCharts]
    ) -> None:
        self._order, self._made, self._reused = order, made, reused
        self._ids = frozenset(order)

    def __getitem__(self, gid: str) -> PageCharts:
        if gid not in self._ids:
            raise KeyError(gid)
        return self._made[gid] if gid in self._made else self._reused[gid]

    def __contains__(self, gid: object) -> bool:  # Mapping's would take the charts to look
        return gid in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)
