"""Period reviews: what moved between one reporting period and the one before.

A review covers one period of the review cadence (``[reviews] period``, else the site's
``analysis.period``). A :class:`Snapshot` of every goal and path is taken as of the
period's last day (or ``as_of`` while the period is still running) and compared with
the snapshot at the previous period's last day: status changes, KPI movement
(direction-aware), impact estimates that became available, learning completions in
the period, stale KPIs and the goals at risk or off track with their owners; a few
sentences written from those numbers sum it up.

A snapshot runs the functions ``site.analyse_site`` runs (``goal_progress``,
``estimate_cohorts``, the learning rules) but only the ones a review shows, so a
year of monthly reviews costs a fraction of one full analysis per period. Pure: no
files, no HTML.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from ..dates import period_end, period_label, period_start
from ..model.site import Site
from ..text import count
from .learning import Completions, completion_counts
from .periods import complete_through
from .progress import STATUS_LABELS, STATUS_RANK

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from .impact import ImpactEstimate
    from .site import Mapper

Movement = Literal["improved", "worsened", "unchanged", "new", "no-data"]
ATTENTION = ("off-track", "at-risk")
"""Statuses a review lists as needing attention, worst first."""
DEFAULT_LIMIT = 12
"""Reviews kept by default: the most recent periods with data."""
_LABEL = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4])|W(\d{2}))$")


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class ReviewPeriod:
    """One reporting period a review covers."""

    label: str
    """``2026-10``, ``2026-Q3`` or ``2026-W41``: the review's URL segment."""
    title: str
    """``October 2026``, ``Q3 2026`` or ``Week 41, 2026``."""
    start: dt.date
    """First day."""
    end: dt.date
    """Last day."""
    as_of: dt.date
    """The day the figures are taken: ``end``, or the report date while the period runs."""

    @property
    def partial(self) -> bool:
        """True while the period is still running on the report date."""
        return self.as_of < self.end


def period_title(start: Any, period: str) -> str:
    """``October 2026`` (month), ``Q3 2026`` (quarter) or ``Week 41, 2026`` (ISO week)."""
    ts = pd.Timestamp(start)
    if period == "quarter":
        return f"Q{(ts.month - 1) // 3 + 1} {ts.year}"
    if period == "week":
        iso = ts.isocalendar()
        return f"Week {iso[1]}, {iso[0]}"
    return f"{ts.strftime('%B')} {ts.year}"


def make_period(day: Any, period: str, as_of: dt.date | None = None) -> ReviewPeriod:
    """The period holding ``day``; its figures are taken on ``min(end, as_of)``."""
    start = period_start(day, period).date()
    end = period_end(day, period).date()
    taken = end if as_of is None else min(end, as_of)
    return ReviewPeriod(period_label(start, period), period_title(start, period), start, end, taken)


def previous_period(p: ReviewPeriod, period: str) -> ReviewPeriod:
    """The whole period before ``p``."""
    return make_period(p.start - dt.timedelta(days=1), period)


def parse_label(label: str) -> tuple[str, dt.date] | None:
    """``2026-10`` → ("month", 2026-10-01); ``2026-Q3``, ``2026-W41`` likewise; else None."""
    m = _LABEL.match(label.strip())
    if m is None:
        return None
    year = int(m.group(1))
    try:
        if m.group(2) is not None:
            month = int(m.group(2))
            return ("month", dt.date(year, month, 1)) if 1 <= month <= 12 else None
        if m.group(3) is not None:
            return "quarter", dt.date(year, 3 * int(m.group(3)) - 2, 1)
        return "week", dt.date.fromisocalendar(year, int(m.group(4)), 1)
    except ValueError:
        return None


def review_periods(
    dates: Iterable[pd.Series],
    period: str,
    as_of: dt.date,
    limit: int = DEFAULT_LIMIT,
    also: Iterable[str] = (),
) -> list[ReviewPeriod]:
    """The periods that hold at least one of ``dates`` on or before ``as_of``: the most
    recent ``limit`` of them and those labelled in ``also`` (frozen reviews' periods,
    compared with today's data however old), oldest first. ``dates``: date columns (KPI,
    learning)."""
    starts: set[pd.Timestamp] = set()
    cutoff = pd.Timestamp(as_of)
    for col in dates:
        values = pd.to_datetime(col, errors="coerce").dropna()
        values = values[values <= cutoff]
        if values.empty:
            continue
        starts.update(period_start(ts, period) for ts in values.drop_duplicates())
    ordered = sorted(starts)
    chosen = set(ordered[-limit:] if limit > 0 else [])
    wanted = set(also)
    chosen.update(ts for ts in ordered if period_label(ts, period) in wanted)
    return [make_period(ts, period, as_of) for ts in sorted(chosen)]


# ---------------------------------------------------------------- snapshots


@dataclass(frozen=True)
class GoalSnapshot:
    """One goal's position on one day."""

    status: str
    current: float | None
    """The KPI's latest period value up to the day."""
    current_period: dt.date | None
    """First day of that KPI period."""
    progress: float | None
    expected: float | None
    gap_points: float | None
    stale: bool
    last_observation: dt.date | None
    summary: str
    impacts: dict[str, Any] = field(default_factory=dict)
    """Usable impact estimates (``impact.ImpactEstimate``) by cohort id, each as it was
    first estimated: a review reports an estimate once, in the period it appears. For a
    goal with several key results, the headline's (the first)."""
    key_results: tuple[KeyResultSnapshot, ...] = ()
    """A goal with several key results: each one's figures on the day (the fields above
    combine them, ``progress.combine_key_results``). Empty for one ``kpi``."""


@dataclass(frozen=True)
class KeyResultSnapshot:
    """One key result's position on one day."""

    current: float | None
    current_period: dt.date | None
    progress: float | None
    status: str


@dataclass(frozen=True)
class Snapshot:
    """Every goal and path on one day."""

    as_of: dt.date
    goals: dict[str, GoalSnapshot]
    learning: dict[str, tuple[int, int] | None]
    """Path id → (enrolled, completed) learners by the day; None when too few to show."""
    enrolled_any: dict[str, bool] = field(default_factory=dict)
    """Path id → whether any learner counted in ``learning`` had enrolled by the day (so
    a None there is a hidden count, not zero). Missing: taken as none enrolled."""


def _usable(estimate: ImpactEstimate) -> bool:
    return estimate.method in ("did", "its") and estimate.estimate is not None


def take_snapshots(
    site: Site,
    data: Dataset,
    days: Sequence[dt.date],
    mapper: Mapper | None = None,
) -> list[Snapshot]:
    """One :class:`Snapshot` per day in ``days`` (in that order).

    Status, current value and progress come from ``goal_progress`` as ``analyse_site``
    computes them on that day; impact estimates from ``estimate_cohorts`` on the data up
    to that day, run only while some ended cohort of the goal has no usable estimate yet.
    ``mapper(fn, items)`` computes ``[fn(x) for x in items]``, maybe on several processes:
    each goal's snapshots are taken on their own.
    """
    from .progress import combine_key_results
    from .site import (
        _control_group,
        _seen,
        _windows,
        impacts_on,
        kpi_periods,
        progress_on,
        serial,
    )

    cfg = site.config
    period = cfg.period
    periods = kpi_periods(site, data)
    complete = complete_through(_seen(data), site.config.period)
    order = sorted(range(len(days)), key=lambda i: days[i])

    def goal_days(gid: str) -> list[GoalSnapshot]:
        """The goal's snapshot on each day of ``days``, in that order."""
        goal = site.goals[gid]
        krs = goal.meta.key_results
        # one goal per key result, each as its one KPI (a goal with one kpi: itself)
        as_goals = [goal] if len(krs) == 1 else [goal.for_key_result(kr) for kr in krs]
        inputs = [
            (
                periods.metric_rows(kr.metric),
                periods.goal_series(kr.metric, kr.group, kr.agg),  # the same on every day
                complete.get(kr.metric),
            )
            for kr in krs
        ]
        paths = [site.paths[p] for p in goal.paths]
        windows = _windows(site, goal) if paths else []
        control = _control_group(site, goal)
        found: dict[str, Any] = {}
        snaps: dict[int, GoalSnapshot] = {}
        through = inputs[0][2]
        for i in order:
            day = days[i]
            each = [
                progress_on(site, g, rows, day, own, with_forecast=False, complete_through=upto)
                for g, (rows, own, upto) in zip(as_goals, inputs, strict=True)
            ]
            pr = (
                each[0]
                if len(each) == 1
                else combine_key_results(goal.meta, list(zip(krs, each, strict=True)), day)
            )
            pending = [w for w in windows if w.end < day and w.cohort not in found]
            if pending:
                _, estimates = impacts_on(
                    periods,
                    goal,
                    pr.series,
                    windows,
                    control,
                    as_of=day,
                    period=period,
                    complete_through=through,
                )
                for est in estimates:
                    if _usable(est) and est.cohort not in found:
                        found[est.cohort] = est
            snaps[i] = GoalSnapshot(
                status=pr.status,
                current=pr.current,
                current_period=pr.current_period,
                progress=pr.progress,
                expected=pr.expected_progress,
                gap_points=pr.gap_points,
                stale=pr.stale,
                last_observation=pr.last_observation,
                summary=pr.summary,
                impacts=dict(found),
                key_results=()
                if len(each) == 1
                else tuple(
                    KeyResultSnapshot(p.current, p.current_period, p.progress, p.status)
                    for p in each
                ),
            )
        return [snaps[i] for i in range(len(days))]

    each = mapper or serial
    goal_ids = list(site.goals)
    by_goal = dict(zip(goal_ids, each(goal_days, goal_ids), strict=True))

    def path_days(pid: str) -> Completions:
        meta = site.paths[pid].meta
        return completion_counts(data.learning, meta, list(days), min_group_size=cfg.min_group_size)

    path_ids = list(site.paths)
    completions = dict(zip(path_ids, each(path_days, path_ids), strict=True))
    return [
        Snapshot(
            days[i],
            {gid: snaps[i] for gid, snaps in by_goal.items()},
            {pid: c.by_day[i] for pid, c in completions.items()},
            {
                pid: c.first_enrolment is not None and c.first_enrolment <= days[i]
                for pid, c in completions.items()
            },
        )
        for i in range(len(days))
    ]


# ---------------------------------------------------------------- comparison


@dataclass(frozen=True)
class GoalChange:
    """One goal, then (end of the previous period) and now (end of this one)."""

    goal: str
    title: str
    owner: str
    department: str
    metric: str
    kpi_label: str
    """What readers call the KPI (``kpi.name``, else the metric's words)."""
    unit: str
    direction: str
    status_then: str
    status_now: str
    value_then: float | None
    value_now: float | None
    change: float | None
    """value_now − value_then, in KPI units."""
    movement: Movement
    """improved / worsened (direction-aware), unchanged, new (no figure before), no-data."""
    new_figure: bool
    """The latest KPI figure falls in this period (False: the value is carried over)."""
    progress_then: float | None
    progress_now: float | None
    expected_now: float | None
    gap_now: float | None
    """Points behind plan now (positive = behind)."""
    stale: bool
    last_observation: dt.date | None
    summary: str
    """The goal's one-sentence progress summary now."""
    key_results: list[KeyResultChange] = field(default_factory=list)
    """A goal with several key results: each one's movement (the fields above are the
    headline's figures with the combined status and progress). Empty for one ``kpi``."""

    @property
    def status_changed(self) -> bool:
        return self.status_then != self.status_now


@dataclass(frozen=True)
class KeyResultChange:
    """One key result of a goal with several, then and now."""

    metric: str
    kpi_label: str
    unit: str
    direction: str
    weight: float
    value_then: float | None
    value_now: float | None
    change: float | None
    movement: Movement
    new_figure: bool
    progress_then: float | None
    progress_now: float | None
    status_now: str


@dataclass(frozen=True)
class NewImpact:
    """An impact estimate that became available in the period."""

    goal: str
    goal_title: str
    cohort: str
    cohort_label: str
    method: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    evidence: str
    summary: str
    unit: str
    favourable: bool
    """The effect points the way the goal wants its KPI to move."""


@dataclass(frozen=True)
class LearningChange:
    """One learning path's completions: by the previous period's end and by now."""

    path: str
    title: str
    enrolled_then: int | None
    completed_then: int | None
    enrolled_now: int | None
    completed_now: int | None
    completed_in_period: int | None
    """Learners who completed the path during the period (None: hidden or unknown)."""
    rate_then: float | None
    rate_now: float | None
    hidden: bool
    """Fewer learners than the privacy minimum: nothing is shown."""


@dataclass(frozen=True)
class Review:
    """Everything one period's review shows."""

    period: ReviewPeriod
    previous: ReviewPeriod
    cadence: str
    """week, month or quarter."""
    goals: list[GoalChange]
    """Every goal, needing attention first."""
    new_impacts: list[NewImpact]
    learning: list[LearningChange]
    counts_then: dict[str, int]
    counts_now: dict[str, int]
    summary: list[str]
    """A few sentences from the numbers, most important first."""

    @property
    def status_changes(self) -> list[GoalChange]:
        return [g for g in self.goals if g.status_changed]

    @property
    def attention(self) -> list[GoalChange]:
        return [g for g in self.goals if g.status_now in ATTENTION]

    @property
    def stale(self) -> list[GoalChange]:
        return [g for g in self.goals if g.status_now in ("stale", "no-data")]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def movement(then: float | None, now: float | None, direction: str) -> Movement:
    """How the KPI moved, in the goal's terms (a fall is an improvement for ``decrease``)."""
    if now is None:
        return "no-data"
    if then is None:
        return "new"
    if _close(then, now):
        return "unchanged"
    better = now > then if direction == "increase" else now < then
    return "improved" if better else "worsened"


def _goal_change(
    site: Site, gid: str, then: GoalSnapshot | None, now: GoalSnapshot, period: ReviewPeriod
) -> GoalChange:
    meta = site.goals[gid].meta
    k = meta.kpi
    krs = meta.key_results
    moves: list[KeyResultChange] = []
    if len(krs) > 1 and len(now.key_results) == len(krs):
        before = then.key_results if then is not None and len(then.key_results) == len(krs) else ()
        for j, (kr, n) in enumerate(zip(krs, now.key_results, strict=True)):
            t = before[j] if before else None
            was = t.current if t is not None else None
            moves.append(
                KeyResultChange(
                    metric=kr.metric,
                    kpi_label=kr.label,
                    unit=kr.unit or "",
                    direction=kr.direction,
                    weight=kr.weight,
                    value_then=was,
                    value_now=n.current,
                    change=n.current - was if n.current is not None and was is not None else None,
                    movement=movement(was, n.current, kr.direction),
                    new_figure=n.current_period is not None and n.current_period >= period.start,
                    progress_then=t.progress if t is not None else None,
                    progress_now=n.progress,
                    status_now=n.status,
                )
            )
    v_then = then.current if then is not None else None
    change = now.current - v_then if now.current is not None and v_then is not None else None
    return GoalChange(
        goal=gid,
        title=meta.title,
        owner=meta.owner,
        department=meta.department or "",
        metric=k.metric,
        kpi_label=k.label,
        unit=k.unit or "",
        direction=k.direction,
        status_then=then.status if then is not None else "no-data",
        status_now=now.status,
        value_then=v_then,
        value_now=now.current,
        change=change,
        movement=movement(v_then, now.current, k.direction),
        new_figure=now.current_period is not None and now.current_period >= period.start,
        progress_then=then.progress if then is not None else None,
        progress_now=now.progress,
        expected_now=now.expected,
        gap_now=now.gap_points,
        stale=now.stale,
        last_observation=now.last_observation,
        summary=now.summary,
        key_results=moves,
    )


def _rate(counts: tuple[int, int] | None) -> float | None:
    return counts[1] / counts[0] if counts and counts[0] else None


def _learning_change(
    pid: str,
    title: str,
    then: tuple[int, int] | None,
    now: tuple[int, int] | None,
    enrolled_then: bool = False,
) -> LearningChange:
    """``enrolled_then``: someone had enrolled by the previous period's end, so a hidden
    ``then`` is a count under the privacy minimum (not zero): the period's completions
    are then unknown (now − then would be wrong, and the difference would reveal it)."""
    in_period = None
    if now is not None:
        if then is not None:
            in_period = now[1] - then[1]
        elif not enrolled_then:
            in_period = now[1]
    return LearningChange(
        path=pid,
        title=title,
        enrolled_then=then[0] if then else None,
        completed_then=then[1] if then else None,
        enrolled_now=now[0] if now else None,
        completed_now=now[1] if now else None,
        completed_in_period=in_period,
        rate_then=_rate(then),
        rate_now=_rate(now),
        hidden=now is None,
    )


def compare(
    site: Site,
    period: ReviewPeriod,
    previous: ReviewPeriod,
    then: Snapshot,
    now: Snapshot,
    cadence: str,
) -> Review:
    """The review of ``period``: ``now`` (taken on ``period.as_of``) against ``then``."""
    changes = [
        _goal_change(site, gid, then.goals.get(gid), snap, period)
        for gid, snap in now.goals.items()
    ]
    changes.sort(key=lambda c: (STATUS_RANK.get(c.status_now, 9), -(c.gap_now or 0.0), c.title))
    cohort_labels = {c.id: c.label for p in site.paths.values() for c in p.meta.cohorts}
    impacts: list[NewImpact] = []
    for gid, snap in now.goals.items():
        before = then.goals[gid].impacts if gid in then.goals else {}
        meta = site.goals[gid].meta
        for cohort, est in snap.impacts.items():
            if cohort in before:
                continue
            sign = 1.0 if meta.kpi.direction == "increase" else -1.0
            impacts.append(
                NewImpact(
                    goal=gid,
                    goal_title=meta.title,
                    cohort=cohort,
                    cohort_label=cohort_labels.get(cohort, cohort),
                    method=est.method,
                    estimate=float(est.estimate),
                    ci_low=est.ci_low,
                    ci_high=est.ci_high,
                    evidence=est.evidence,
                    summary=est.summary,
                    unit=meta.kpi.unit or "",
                    favourable=sign * float(est.estimate) > 0,
                )
            )
    learning = [
        _learning_change(
            pid,
            p.meta.title,
            then.learning.get(pid),
            now.learning.get(pid),
            then.enrolled_any.get(pid, False),
        )
        for pid, p in site.paths.items()
    ]
    counts_then = _counts(then.goals.values())
    counts_now = _counts(now.goals.values())
    review = Review(
        period, previous, cadence, changes, impacts, learning, counts_then, counts_now, []
    )
    return replace(review, summary=summarise(review))


def _counts(goals: Iterable[GoalSnapshot]) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in goals:
        out[g.status] = out.get(g.status, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: STATUS_RANK.get(kv[0], 9)))


# ---------------------------------------------------------------- words


def _names(items: Sequence[str], limit: int = 3, *, quote: bool = True) -> str:
    """``“a”, “b” and 2 more``: goal titles in quotes (``quote``), the rest counted."""
    shown = [f"“{t}”" if quote else t for t in items[:limit]]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _fmt(v: float) -> str:
    from .impact import format_number

    return format_number(v, 2)


def summarise(review: Review) -> list[str]:
    """A few plain sentences on what moved, written from the review's numbers."""
    out: list[str] = []
    when = review.period.title + (" so far" if review.period.partial else "")
    label = STATUS_LABELS
    moved = review.status_changes
    if moved:
        first = moved[0]
        detail = (
            f"“{first.title}” moved from {label[first.status_then].lower()} "
            f"to {label[first.status_now].lower()}"
        )
        rest = f", and {count(len(moved) - 1, 'other')} changed" if len(moved) > 1 else ""
        out.append(f"In {when}, {count(len(moved), 'goal')} changed status: {detail}{rest}.")
    else:
        out.append(f"In {when}, no goal changed status since {review.previous.title}.")
    better = [g for g in review.goals if g.movement == "improved"]
    worse = [g for g in review.goals if g.movement == "worsened"]
    carried = [g for g in review.goals if g.value_now is not None and not g.new_figure]
    if better or worse:
        text = f"KPIs improved for {count(len(better), 'goal')} and worsened for {len(worse)}"
        if carried:
            text += f"; {count(len(carried), 'goal')} had no new figure this period"
        out.append(text + ".")
    elif carried:
        out.append(f"{count(len(carried), 'goal')} had no new KPI figure this period.")
    for imp in review.new_impacts[:2]:
        est = _fmt(imp.estimate)
        if not est.startswith("−"):
            est = "+" + est
        unit = f" {imp.unit}" if imp.unit else ""
        out.append(
            f"New impact estimate for {imp.cohort_label} on “{imp.goal_title}”: "
            f"{est}{unit} ({imp.evidence} evidence)."
        )
    if len(review.new_impacts) > 2:
        out.append(f"{count(len(review.new_impacts) - 2, 'more new impact estimate')}.")
    done = [lc for lc in review.learning if lc.completed_in_period]
    if done:
        total = sum(lc.completed_in_period or 0 for lc in done)
        out.append(
            f"{count(total, 'learner')} completed a learning path "
            f"({_names([lc.title for lc in done], 2)})."
        )
    attention = review.attention
    if attention:
        people = [f"{g.title} ({label[g.status_now].lower()}, {g.owner})" for g in attention]
        out.append(
            f"{count(len(attention), 'goal needs', 'goals need')} attention: "
            + _names(people, 3, quote=False)
            + "."
        )
    stale = review.stale
    if stale:
        out.append(
            f"{count(len(stale), 'goal has', 'goals have')} no recent KPI data: "
            f"{_names([g.title for g in stale])}."
        )
    return out


# ---------------------------------------------------------------- all reviews of a site


def analyse_reviews(
    site: Site,
    data: Dataset,
    *,
    as_of: dt.date,
    cadence: str | None = None,
    limit: int = DEFAULT_LIMIT,
    also: Iterable[str] = (),
) -> list[Review]:
    """One review per period with data (KPI or learning) up to ``as_of``, the most
    recent ``limit``, and per period named in ``also`` (frozen reviews'), oldest first;
    each compared with the period before it."""
    cadence = cadence or site.config.period
    periods = review_periods(
        [data.kpis["date"], data.learning["date"]], cadence, as_of, limit, also
    )
    if not periods:
        return []
    previous = [previous_period(p, cadence) for p in periods]
    days = sorted({p.as_of for p in periods} | {p.as_of for p in previous})
    snaps = dict(zip(days, take_snapshots(site, data, days), strict=True))
    return [
        compare(site, p, prev, snaps[prev.as_of], snaps[p.as_of], cadence)
        for p, prev in zip(periods, previous, strict=True)
    ]
