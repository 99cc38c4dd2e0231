"""The whole analysis of a site: every goal, path and skills gap, as of one date.

``analyse_site(site, data)`` aggregates the KPI table to periods once, then per goal:
progress and status, the series to chart, impact per cohort (``impact.py``), the
minimum detectable effect before any cohort has post-training data, ROI for the best
estimate (``roi.py``), learning funnels, leading indicators and the chain of evidence.
Pure: no files, no HTML, no printing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..dates import PERIODS_PER_YEAR, period_end, periods_between
from ..errors import while_processing
from ..model.schema import KeyResult, LeadingIndicator
from ..model.site import Goal, LearningPath, Site
from .evidence import BehaviourSignal, EvidenceChain, behaviour_signal, evidence_chain
from .learning import (
    LEADING_COMPLETION,
    LEADING_SCORE,
    Funnel,
    PathLearning,
    combine_funnels,
    goal_leading,
    path_learning,
)
from .periods import (
    PeriodLookup,
    cadences,
    complete_only,
    complete_through,
    per_average_period,
    split_periods,
    to_periods,
    until,
)
from .progress import GoalProgress, goal_progress
from .skills import SkillGap, skills_gaps

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from .impact import ImpactEstimate
    from .roi import RoiEstimate

LEARNING_INDICATORS: Mapping[str, str] = {
    "course_completion": LEADING_COMPLETION,
    "completion": LEADING_COMPLETION,
    "completion_rate": LEADING_COMPLETION,
    "assessment_score": LEADING_SCORE,
    "mean_score": LEADING_SCORE,
    "score": LEADING_SCORE,
}
"""Leading-indicator names in goal files that mean a learning measure."""
DEFAULT_INDICATORS = ("course_completion", "assessment_score")
"""Shown for a goal with learning paths that names no leading indicators."""


@dataclass(frozen=True)
class PathAnalysis:
    """What the learning data says about one path."""

    funnels: dict[str, Funnel]
    """Funnel per cohort id (path order)."""
    total: Funnel
    """All the path's learners."""
    activity_completion: dict[str, dict[str, float]]
    """Cohort id → activity id → share of the cohort's enrolled who completed it."""
    leading: dict[str, pd.Series] = field(repr=False)
    """Leading indicators over time, by display name."""


@dataclass(frozen=True)
class GoalAnalysis:
    """Everything computed for one goal."""

    progress: GoalProgress
    """Status, progress, forecast and summary."""
    impacts: list[ImpactEstimate]
    """``impact.ImpactEstimate`` per cohort (may be empty)."""
    mde: float | None
    """Smallest detectable effect (KPI units) while no cohort has post-training data."""
    roi: RoiEstimate | None
    """``roi.RoiEstimate`` for the best estimate, when costs and benefit_per_unit are given."""
    best_impact: ImpactEstimate | None
    """The headline estimate, chosen before any result is seen: the cohort-size-weighted
    average over the cohorts of the strongest design (``impact.headline_impact``)."""
    roi_withheld: str | None
    """Why no ROI is shown although costs and benefit_per_unit are given (weak evidence)."""
    learning: dict[str, Funnel]
    """Funnel per cohort id over all linked paths."""
    learning_total: Funnel | None
    """The shown learners of all linked paths together (None without any)."""
    evidence: EvidenceChain
    """Inputs → ROI and the weakest link."""
    leading: dict[str, pd.Series] = field(repr=False)
    """Leading indicators over time, by display name (learning measures and KPI metrics)."""
    behaviour: list[BehaviourSignal] = field(default_factory=list)
    """KPI-metric leading indicators before vs. since training started."""
    series_by_group: dict[str, pd.Series] = field(default_factory=dict, repr=False)
    """For the chart: the goal's series (key ``kpi.group``, "" = organisation), each linked
    cohort's KPI group and the control group, up to ``as_of``."""
    control_group: str | None = None
    """The comparison KPI group (a cohort id in ``monitoring.control_group`` is resolved)."""
    key_results: tuple[KeyResultAnalysis, ...] = ()
    """A goal with several key results (``kpis:``): each one's own analysis, in order
    (the first is the headline, whose figures the fields above hold, with ``progress``
    combined over all: ``progress.combine_key_results``). Empty for one ``kpi``."""


@dataclass(frozen=True)
class KeyResultAnalysis:
    """One key result of a goal with several, analysed as if it were the goal's one KPI."""

    number: int
    """1 for the first (the headline), 2, 3…"""
    kpi: KeyResult
    analysis: GoalAnalysis
    """Its progress, impact estimates, ROI and chart series on their own."""


@dataclass(frozen=True)
class SiteAnalysis:
    """The analysis of a whole site."""

    as_of: dt.date
    """Report date: ``config.as_of`` or the latest KPI observation."""
    period: str
    """week, month or quarter."""
    goals: dict[str, GoalAnalysis]
    """By goal id."""
    paths: dict[str, PathAnalysis]
    """By path id."""
    skills: list[SkillGap]
    """Every required skill per target group, biggest gap first."""
    status_counts: dict[str, int]
    """How many goals have each status."""


def resolve_as_of(site: Site, data: Dataset, today: dt.date | None) -> dt.date:
    """``config.as_of``, else the latest KPI date, else ``today``, else the latest record
    (``Dataset.report_date``)."""
    return site.config.as_of or data.report_date(today)


def _seen(data: Dataset) -> pd.DataFrame:
    """``Dataset.observed`` when the dataset has it (files and SQL), else the raw rows."""
    seen = getattr(data, "observed", None)
    return seen if seen is not None else data.kpis


def _kpi_agg(site: Site) -> dict[str, str]:
    agg: dict[str, str] = {}
    for _, kr in site.key_results():
        agg.setdefault(kr.metric, kr.agg)
    return agg


def kpi_periods(site: Site, data: Dataset) -> PeriodLookup:
    """The KPI table as one value per metric, group and period, summed KPIs per average
    period (``periods.per_average_period``): what the goal pages and the reviews read."""
    agg = _kpi_agg(site)
    table = to_periods(data.kpis, site.config.period, agg)
    table = per_average_period(
        table, agg, cadences(_seen(data), site.config.period), site.config.period
    )
    return split_periods(table)


def _control_group(site: Site, goal: Goal) -> str | None:
    cg = goal.meta.monitoring.control_group
    if cg is None:
        return None
    found = site.cohort(cg)
    return found[1].kpi_group if found else cg


def _windows(site: Site, goal: Goal) -> list[Any]:
    from .impact import CohortWindow

    out = []
    for pid in goal.paths:
        path = site.paths[pid]
        for c in path.meta.cohorts:
            out.append(CohortWindow(c.id, c.label, c.kpi_group, c.start, path.cohort_end(c)))
    return sorted(out, key=lambda w: (w.start, w.cohort))


def progress_on(
    site: Site,
    goal: Goal,
    periods_df: pd.DataFrame,
    day: dt.date,
    own_series: pd.Series | None = None,
    *,
    with_forecast: bool = True,
    complete_through: dt.date | None = None,
) -> Any:
    """``goal_progress`` on ``day`` with the site's thresholds; a goal counts as started
    once a cohort of one of its paths has (the goal page and the reviews share it)."""
    cfg = site.config
    paths = [site.paths[p] for p in goal.paths]
    return goal_progress(
        goal.meta,
        periods_df,
        as_of=day,
        period=cfg.period,
        stale_after=cfg.stale_after,
        on_track=cfg.on_track,
        at_risk=cfg.at_risk,
        started=not paths or any(c.start <= day for p in paths for c in p.meta.cohorts),
        own_series=own_series,
        with_forecast=with_forecast,
        complete_through=complete_through,
    )


def impact_groups(
    periods: PeriodLookup,
    goal: Goal,
    own: pd.Series,
    windows: list[Any],
    control: str | None,
    *,
    as_of: dt.date,
    period: str,
    complete_through: dt.date | None = None,
    metric: str | None = None,
) -> dict[str, pd.Series]:
    """The series an impact estimate compares, up to ``as_of`` and without periods still
    open: the goal's own (``own``, already cut), each cohort's KPI group and the control
    group; the page and the reviews share it. ``metric``: another metric than the KPI's
    (a leading indicator), in the same groups."""
    k = goal.meta.kpi
    through = complete_through
    groups: dict[str, pd.Series] = {k.group: own}
    for key in [*(w.group for w in windows), *([control] if control else [])]:
        if key not in groups:
            s = until(periods.group_series(metric or k.metric, key), as_of, period)
            groups[key] = complete_only(s, through, period)
    return groups


def impacts_on(
    periods: PeriodLookup,
    goal: Goal,
    own: pd.Series,
    windows: list[Any],
    control: str | None,
    *,
    as_of: dt.date,
    period: str,
    complete_through: dt.date | None = None,
    metric: str | None = None,
) -> tuple[dict[str, pd.Series], list[Any]]:
    """(:func:`impact_groups`, ``estimate_cohorts`` on them) on ``as_of``: what the goal
    page shows and what a review finds new. ``metric``: a leading indicator's series
    instead of the KPI's (``own`` must then be that metric's too)."""
    from .impact import estimate_cohorts

    groups = impact_groups(
        periods,
        goal,
        own,
        windows,
        control,
        as_of=as_of,
        period=period,
        complete_through=complete_through,
        metric=metric,
    )
    if not windows:
        return groups, []
    k = goal.meta.kpi
    estimates = estimate_cohorts(
        groups,
        windows,
        control_group=control,
        period=period,
        unit="" if metric else k.unit,
        kpi_label=metric.replace("_", " ") if metric else k.label,
        as_of=as_of,
    )
    return groups, list(estimates)


def best_impact(
    impacts: list[Any], windows: list[Any], sizes: Mapping[str, int | None], kpi_label: str
) -> Any | None:
    """The pre-specified headline (``impact.headline_impact``) over the goal's cohorts."""
    from .impact import headline_impact

    groups = {w.cohort: w.group for w in windows}
    return headline_impact(impacts, sizes=sizes, groups=groups, kpi_label=kpi_label)


def _mde(
    windows: list[Any],
    groups: Mapping[str, pd.Series],
    control: str | None,
    target_date: dt.date,
    period: str,
    sizes: Mapping[str, int | None],
) -> float | None:
    """MDE of the first cohort against its comparison, while no cohort has post data."""
    from .impact import minimum_detectable_effect

    if not windows:
        return None
    for w in windows:
        s = groups.get(w.group)
        if s is not None and (s.index > pd.Timestamp(w.end)).any():
            return None  # a cohort has post-training data: the estimates speak instead
    first = windows[0]
    treated = groups.get(first.group)
    if treated is None:
        return None
    treated_pre = treated[treated.index < pd.Timestamp(first.start)]
    later = next((w for w in windows[1:] if w.group != first.group), None)
    comp_key = control or (later.group if later else None)
    comp_size = sizes.get(later.cohort) if later is not None and not control else None
    comparison = groups.get(comp_key) if comp_key else None
    comparison_pre = (
        comparison[comparison.index < pd.Timestamp(first.start)] if comparison is not None else None
    )
    n_post = periods_between(first.end, target_date, period)
    if treated_pre.empty or n_post <= 0:
        return None
    own = sizes.get(first.cohort)
    value = minimum_detectable_effect(
        treated_pre,
        comparison_pre,
        n_post=n_post,
        group_sizes=(own, comp_size) if own and comp_size else None,
    )
    return None if value is None else float(value)


def _label(indicator: str) -> str:
    """Display name of a KPI-metric leading indicator."""
    return indicator.replace("_", " ").capitalize()


def _leading(
    site: Site,
    goal: Goal,
    data: Dataset,
    periods: PeriodLookup,
    path_results: Mapping[str, PathAnalysis],
    *,
    as_of: dt.date,
    period: str,
) -> tuple[dict[str, pd.Series], list[LeadingIndicator]]:
    """The goal's leading indicators by display name, and those that are KPI metrics."""
    declared = list(goal.meta.leading_indicators) or (
        [LeadingIndicator(metric=n) for n in DEFAULT_INDICATORS] if goal.paths else []
    )
    names = [i.metric for i in declared]
    wanted = {LEARNING_INDICATORS[n] for n in names if n in LEARNING_INDICATORS}
    out: dict[str, pd.Series] = {}
    if wanted and goal.paths:
        if len(goal.paths) == 1:
            learning = path_results[goal.paths[0]].leading
        else:
            learning = goal_leading(
                data.learning,
                [site.paths[p].meta for p in goal.paths],
                period=period,
                min_group_size=site.config.min_group_size,
                until=period_end(as_of, period).date(),
            )
        # completion comes per cohort ("Course completion (%): Ward 4A") when several train
        out.update({k: v for k, v in learning.items() if k in wanted or k.split(": ")[0] in wanted})
    kpi_indicators = []
    for i in declared:
        n = i.metric
        if n in LEARNING_INDICATORS or n not in periods.metric_positions:
            continue
        s = until(periods.goal_series(n, goal.meta.kpi.group), as_of, period)
        if not s.empty:
            out[_label(n)] = s
            kpi_indicators.append(i)
    return out, kpi_indicators


def _analysed_path(site: Site, path: LearningPath, data: Dataset, as_of: dt.date) -> PathAnalysis:
    with while_processing(path.source.rel):
        return _analyse_path(site, path, data, as_of)


def _analyse_path(site: Site, path: LearningPath, data: Dataset, as_of: dt.date) -> PathAnalysis:
    cfg = site.config
    r: PathLearning = path_learning(
        data.learning,
        path.meta,
        period=cfg.period,
        min_group_size=cfg.min_group_size,
        until=period_end(as_of, cfg.period).date(),
    )
    return PathAnalysis(r.funnels, r.total, r.activity_completion, r.leading)


def analyse_goal(
    site: Site,
    goal: Goal,
    data: Dataset,
    periods: PeriodLookup,
    path_results: Mapping[str, PathAnalysis],
    *,
    as_of: dt.date,
    complete: Mapping[str, dt.date] | None = None,
) -> GoalAnalysis:
    """Everything for one goal; ``periods`` and ``path_results`` are computed once per site.

    A goal with several key results is analysed once per key result, each as the goal's
    one KPI; its status and progress combine theirs (``combine_key_results``)."""
    krs = goal.meta.key_results
    if len(krs) > 1:
        from dataclasses import replace

        from .progress import combine_key_results

        parts = [
            analyse_goal(
                site,
                goal.for_key_result(kr),
                data,
                periods,
                path_results,
                as_of=as_of,
                complete=complete,
            )
            for kr in krs
        ]
        combined = combine_key_results(
            goal.meta, [(kr, a.progress) for kr, a in zip(krs, parts, strict=True)], as_of
        )
        return replace(
            parts[0],
            progress=combined,
            key_results=tuple(
                KeyResultAnalysis(i, kr, a)
                for i, (kr, a) in enumerate(zip(krs, parts, strict=True), start=1)
            ),
        )
    cfg = site.config
    period = cfg.period
    k = goal.meta.kpi
    paths = [site.paths[p] for p in goal.paths]
    own = periods.goal_series(k.metric, k.group, k.agg)
    through = (complete or {}).get(k.metric)
    progress = progress_on(
        site, goal, periods.metric_rows(k.metric), as_of, own, complete_through=through
    )

    control = _control_group(site, goal)
    windows = _windows(site, goal) if paths else []
    groups, impacts = impacts_on(
        periods,
        goal,
        progress.series,
        windows,
        control,
        as_of=as_of,
        period=period,
        complete_through=through,
    )
    chart_series = {g: s for g, s in groups.items() if not s.empty}

    sizes = {c.id: c.size for p in paths for c in p.meta.cohorts}
    mde = _mde(windows, groups, control, k.target.date, period, sizes)

    funnels: dict[str, Funnel] = {}
    for p in paths:
        funnels.update(path_results[p.meta.id].funnels)
    shown: list[Funnel] = []
    for p in paths:  # a hidden path total: its shown cohorts stand in
        pr = path_results[p.meta.id]
        shown += [pr.total] if not pr.total.suppressed else list(pr.funnels.values())
    total = combine_funnels(shown)

    best = best_impact(impacts, windows, sizes, k.label)
    roi = None
    roi_withheld = None
    costs = goal.meta.costs
    wants_roi = costs is not None and costs.total > 0 and bool(goal.meta.benefit_per_unit)
    if best is not None and wants_roi and best.evidence == "weak":
        roi_withheld = (
            "No return on investment is shown: the impact estimate is weak evidence "
            f"({'no comparison group' if best.method == 'its' else 'a trend could explain it'}"
            "), and money figures built on it would claim more than it can carry."
        )
    elif (
        best is not None
        and wants_roi
        and costs is not None
        and goal.meta.benefit_per_unit is not None
    ):
        from .roi import phillips_roi

        planned = [c.size for p in paths for c in p.meta.cohorts if c.size is not None]
        people = total.enrolled if total is not None else (sum(planned) if planned else None)
        roi = phillips_roi(
            best,
            direction=k.direction,
            benefit_per_unit=goal.meta.benefit_per_unit,
            cost=costs.total,
            currency=costs.currency,
            people=people,
            horizon_periods=PERIODS_PER_YEAR[period],
        )

    leading, kpi_indicators = _leading(
        site, goal, data, periods, path_results, as_of=as_of, period=period
    )
    starts = [c.start for p in paths for c in p.meta.cohorts if c.start <= as_of]
    behaviour: list[BehaviourSignal] = []
    if starts:
        for ind in kpi_indicators:
            # The same design as the KPI's: each cohort's group against the comparison,
            # combined into the pre-specified headline; the goal's own series otherwise.
            own_leading = complete_only(
                leading[_label(ind.metric)], (complete or {}).get(ind.metric), period
            )
            _, estimates = impacts_on(
                periods,
                goal,
                own_leading,
                windows,
                control,
                as_of=as_of,
                period=period,
                complete_through=(complete or {}).get(ind.metric),
                metric=ind.metric,
            )
            headline = best_impact(estimates, windows, sizes, ind.metric.replace("_", " "))
            sig = behaviour_signal(
                own_leading,
                ind.metric,
                min(starts),
                period,
                direction=ind.direction,
                headline=headline,
            )
            if sig is not None:
                behaviour.append(sig)

    chain = evidence_chain(
        goal.meta,
        paths=[p.meta for p in paths],
        funnel=total,
        behaviour=behaviour,
        impact=best,
        progress=progress,
        roi=roi,
    )
    return GoalAnalysis(
        progress=progress,
        impacts=impacts,
        mde=mde,
        roi=roi,
        best_impact=best,
        roi_withheld=roi_withheld,
        learning=funnels,
        learning_total=total,
        evidence=chain,
        leading=leading,
        behaviour=behaviour,
        series_by_group=chart_series,
        control_group=control,
    )


Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]
"""``mapper(fn, items)`` → ``[fn(x) for x in items]``, in any process (``build/parallel``)."""


def serial(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """The mapper of one process."""
    return [fn(item) for item in items]


def analyse_site(
    site: Site,
    data: Dataset,
    *,
    today: dt.date | None = None,
    reuse_goals: Mapping[str, GoalAnalysis] | None = None,
    reuse_paths: Mapping[str, PathAnalysis] | None = None,
    progress: Callable[[int, int], None] | None = None,
    mapper: Mapper | None = None,
) -> SiteAnalysis:
    """Analyse every goal and path of ``site`` against ``data`` (a ``data.Dataset``).

    ``today`` is only a fallback for the report date when the KPI table is empty and
    ``goalpath.toml`` sets no ``as_of``. ``reuse_goals`` / ``reuse_paths``: results of
    an earlier build whose inputs the caller knows are unchanged (``incremental.py``);
    they are taken as they are instead of being computed again. ``progress(done, total)``
    is called after each goal analysed (not after reused ones). ``mapper(fn, items)``
    computes ``[fn(x) for x in items]``, maybe on several processes (``build/parallel.py``):
    each goal and path is analysed on its own, so the results do not depend on it.
    """
    cfg = site.config
    as_of = resolve_as_of(site, data, today)
    old_paths, old_goals = reuse_paths or {}, reuse_goals or {}
    todo = [gid for gid in site.goals if gid not in old_goals]
    # the KPI panel only when a goal is analysed afresh (0.25 s at 1M rows); before the
    # pool forks, so its workers share it
    periods = kpi_periods(site, data) if todo else None
    complete = complete_through(_seen(data), site.config.period) if todo else {}
    each = mapper or serial
    new_paths = [pid for pid in site.paths if pid not in old_paths]
    fresh_paths = dict(
        zip(
            new_paths,
            each(lambda pid: _analysed_path(site, site.paths[pid], data, as_of), new_paths),
            strict=True,
        )
    )
    path_results = {pid: old_paths.get(pid) or fresh_paths[pid] for pid in site.paths}
    done = 0

    def one_goal(gid: str) -> GoalAnalysis:
        nonlocal done
        goal = site.goals[gid]
        assert periods is not None  # made above whenever a goal is to be analysed
        with while_processing(goal.source.rel):
            result = analyse_goal(
                site, goal, data, periods, path_results, as_of=as_of, complete=complete
            )
        done += 1
        if progress is not None and mapper is None:  # a pool's children stay quiet
            progress(done, len(todo))
        return result

    fresh = dict(zip(todo, each(one_goal, todo), strict=True))
    if progress is not None and mapper is not None and todo:
        progress(len(todo), len(todo))
    goals = {gid: old_goals[gid] if gid in old_goals else fresh[gid] for gid in site.goals}
    gaps = skills_gaps(
        [g.meta for g in site.goals.values()],
        [p.meta for p in site.paths.values()],
        data.skills,
        min_group_size=cfg.min_group_size,
        until=period_end(as_of, cfg.period).date(),
    )
    counts: dict[str, int] = {}
    for ga in goals.values():
        counts[ga.progress.status] = counts.get(ga.progress.status, 0) + 1
    return SiteAnalysis(as_of, cfg.period, goals, path_results, gaps, counts)
