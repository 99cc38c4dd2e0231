"""Learning records → funnels, rates and leading indicators per cohort and path.

A learner *enrolled* when they have any statement for the path, *started* when they
have one other than ``enrolled``, *completed* when they completed (or passed) every
activity of kind course, workshop, practice, on-the-job or coaching, and *passed* when
they completed and passed every assessment (a ``passed`` statement, or a score at or
above the activity's ``pass_score``); a path without assessments has passed =
completed. Rates carry Wilson 95% intervals.

Privacy (DESIGN.md §2): learner ids never leave this module; every aggregate over
fewer than ``min_group_size`` distinct learners is returned as hidden (None), never
as a number. A path total is hidden too when it would reveal a hidden cohort by
subtraction (complementary suppression), and leading indicators over time count only
the learners of cohorts big enough to show.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..dates import PERIOD_CODES, period_end
from ..model.schema import PathMeta

REQUIRED_KINDS = frozenset({"course", "workshop", "practice", "on-the-job", "coaching"})
"""Activity kinds a learner must complete to complete the path."""
DONE_VERBS = ("completed", "passed")
LEADING_COMPLETION = "Course completion (%)"
"""Leading indicator: share of enrolled learners who completed the path, cumulative."""
LEADING_SCORE = "Mean assessment score"
"""Leading indicator: mean assessment score of the period's scored statements."""


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson 95% interval."""

    value: float
    """k / n."""
    low: float
    """Lower end of the Wilson 95% interval."""
    high: float
    """Upper end of the Wilson 95% interval."""


@functools.cache
def _z() -> float:
    """The normal 97.5% quantile, as ``scipy.stats.norm.isf(0.025)`` computes it."""
    from scipy import special

    return float(-special.ndtri(0.025))


def wilson(k: int, n: int) -> Rate | None:
    """``k`` of ``n`` as a :class:`Rate` with the Wilson 95% interval, in closed form:
    the same operations as statsmodels' ``proportion_confint(method="wilson")`` (a test
    checks it to the last bit), without importing statsmodels (2.3 s) on every build."""
    if n <= 0:
        return None
    z = _z()
    crit2 = z**2
    q = k / n
    denom = 1 + crit2 / n
    center = (q + crit2 / (2 * n)) / denom
    dist = z * math.sqrt(q * (1.0 - q) / n + crit2 / (4.0 * n**2))
    dist /= denom
    low = min(max(center - dist, 0.0), 1.0)
    high = min(max(center + dist, 0.0), 1.0)
    return Rate(q, low, high)


@dataclass(frozen=True)
class Funnel:
    """Enrolled → started → completed → passed for one group of learners (counts only)."""

    suppressed: bool
    """True when fewer than the privacy minimum enrolled: every figure is None."""
    enrolled: int | None = None
    """Distinct learners with any statement."""
    started: int | None = None
    """Learners with a statement other than ``enrolled``."""
    completed: int | None = None
    """Learners who completed every required activity."""
    passed: int | None = None
    """Learners who completed and passed every assessment."""
    completion_rate: Rate | None = None
    """completed / enrolled."""
    pass_rate: Rate | None = None
    """passed / enrolled."""
    mean_score: float | None = None
    """Mean of each learner's best score per assessment (hidden below the minimum)."""
    reflections: int | None = None
    """Number of ``reflected`` statements."""
    reflection_rate: Rate | None = None
    """Share of enrolled learners who reflected at least once."""
    median_days_to_complete: float | None = None
    """Median days from a learner's first statement to completion (hidden below the minimum)."""
    activity_completed: dict[str, int] = field(default_factory=dict)
    """Learners who completed (passed, or reflected on) each activity, by activity id."""
    notes: tuple[str, ...] = ()
    """What was hidden or could not be computed, in words."""

    @classmethod
    def hidden(cls) -> Funnel:
        """A funnel too small to show."""
        return cls(suppressed=True)


@dataclass(frozen=True)
class PathLearning:
    """Everything the learning data says about one path (aggregates only)."""

    funnels: dict[str, Funnel]
    """Funnel per cohort id, in the path's cohort order."""
    total: Funnel
    """All learners of the path, with or without a cohort."""
    activity_completion: dict[str, dict[str, float]]
    """Per cohort id: share of its enrolled learners who completed each activity."""
    leading: dict[str, pd.Series] = field(repr=False)
    """Leading indicators over time (``LEADING_COMPLETION``, ``LEADING_SCORE``)."""


# ---------------------------------------------------------------- records


def path_records(
    learning: pd.DataFrame, path: PathMeta, until: dt.date | None = None
) -> pd.DataFrame:
    """Statements of ``path``, with a missing cohort filled from the learner's other rows.

    A row belongs to the path when its ``path`` is the path's id, or it names no path
    but one of the path's cohorts, or names neither but one of its activities.
    """
    cohorts = [c.id for c in path.cohorts]
    activities = [a.id for a in path.activities]
    if learning.empty:
        return learning.copy()
    p = learning["path"]
    c = learning["cohort"]
    mask = (
        (p == path.id)
        | ((p == "") & c.isin(cohorts))
        | ((p == "") & (c == "") & learning["activity"].isin(activities))
    )
    if until is not None:
        mask &= learning["date"] <= pd.Timestamp(until)
    rows = learning.loc[mask, ["date", "learner", "activity", "verb", "cohort", "score"]].copy()
    missing = rows["cohort"] == ""
    if missing.any() and not missing.all():
        usual = _usual_cohort(rows.loc[~missing])
        filled = rows.loc[missing, "learner"].map(usual)
        rows.loc[missing, "cohort"] = filled.fillna("").astype("str")
    return rows.reset_index(drop=True)


def _usual_cohort(rows: pd.DataFrame) -> pd.Series:
    """Each learner's most frequent cohort (ties: the first by name), by learner."""
    counts = rows.groupby(["learner", "cohort"], sort=True).size().rename("n").reset_index()
    counts = counts.sort_values(["learner", "n"], ascending=[True, False], kind="stable")
    first = counts.drop_duplicates("learner")
    return pd.Series(first["cohort"].to_numpy(), index=pd.Index(first["learner"]), dtype="str")


def _required(path: PathMeta) -> list[str]:
    req = [a.id for a in path.activities if a.kind in REQUIRED_KINDS]
    if not req:
        req = [a.id for a in path.activities if a.kind == "assessment"]
    return req or [a.id for a in path.activities]


def _learner_table(rows: pd.DataFrame, path: PathMeta) -> pd.DataFrame:
    """One row per learner (index = learner id; internal only)."""
    g = rows.groupby("learner", sort=True)
    table = pd.DataFrame(
        {
            "cohort": _usual_cohort(rows),
            "first": g["date"].min(),
        }
    )
    active = rows[rows["verb"] != "enrolled"]
    table["started"] = table.index.isin(active["learner"].unique())
    reflected = rows[rows["verb"] == "reflected"].groupby("learner").size()
    table["reflections"] = reflected.reindex(table.index, fill_value=0).astype("int64")

    pass_scores = {a.id: a.pass_score for a in path.activities if a.kind == "assessment"}
    done = rows[rows["verb"].isin(DONE_VERBS)]
    required = _required(path)
    req_done = done[done["activity"].isin(required)]
    firsts = req_done.groupby(["learner", "activity"])["date"].min().reset_index()
    by_learner = firsts.groupby("learner")  # two plain reductions: 5x a named .agg
    finished = pd.DataFrame({"n": by_learner.size(), "last": by_learner["date"].max()})
    finished = finished.reindex(table.index)
    complete = finished["n"].fillna(0).to_numpy() >= len(required)
    table["completed_on"] = finished["last"].where(complete).astype("datetime64[ns]")

    passed = pd.Series(True, index=table.index)
    for aid, threshold in pass_scores.items():
        mine = rows[rows["activity"] == aid]
        ok = mine["verb"] == "passed"
        if threshold is not None:
            ok |= (mine["verb"] == "completed") & (mine["score"] >= threshold)
        passed &= table.index.isin(mine.loc[ok, "learner"].unique())
    table["passed"] = passed & complete
    return table


def _scores(rows: pd.DataFrame, path: PathMeta) -> pd.DataFrame:
    """Scored statements that count as assessment scores: learner, activity, date, score."""
    assessments = [a.id for a in path.activities if a.kind == "assessment"]
    scored = rows[rows["score"].notna()]
    if assessments:
        scored = scored[scored["activity"].isin(assessments)]
    return scored[["learner", "activity", "date", "score"]]


def _done_pairs(rows: pd.DataFrame) -> pd.DataFrame:
    done = rows[rows["verb"].isin((*DONE_VERBS, "reflected"))]
    return done[["learner", "activity"]].drop_duplicates()


# ---------------------------------------------------------------- funnels


def _funnel(
    learners: pd.DataFrame,
    scores: pd.DataFrame,
    done: pd.DataFrame,
    activities: Sequence[str],
    min_group_size: int,
) -> Funnel:
    n = len(learners)
    if n == 0:
        return Funnel(suppressed=False, enrolled=0, started=0, completed=0, passed=0)
    if n < min_group_size:
        return Funnel.hidden()
    notes: list[str] = []
    ids = learners.index
    started = int(learners["started"].sum())
    completed_on = learners["completed_on"]
    completed = int(completed_on.notna().sum())
    passed = int(learners["passed"].sum())
    reflectors = int((learners["reflections"] > 0).sum())

    mine = scores[scores["learner"].isin(ids)]
    best = mine.groupby(["learner", "activity"])["score"].max()
    scorers = best.index.get_level_values(0).nunique() if len(best) else 0
    mean_score: float | None = None
    if scorers >= min_group_size:
        mean_score = float(best.mean())
    elif scorers:
        notes.append(f"Mean score hidden: fewer than {min_group_size} learners have a score.")

    days: float | None = None
    if completed >= min_group_size:
        spans = (completed_on.dropna() - learners.loc[completed_on.notna(), "first"]).dt.days
        days = float(np.median(spans.to_numpy(dtype=np.float64)))
    elif completed:
        notes.append(f"Time to complete hidden: fewer than {min_group_size} completed.")

    counts = done[done["learner"].isin(ids)].groupby("activity")["learner"].nunique()
    per_activity = {a: int(counts.get(a, 0)) for a in activities}
    return Funnel(
        suppressed=False,
        enrolled=n,
        started=started,
        completed=completed,
        passed=passed,
        completion_rate=wilson(completed, n),
        pass_rate=wilson(passed, n),
        mean_score=mean_score,
        reflections=int(learners["reflections"].sum()),
        reflection_rate=wilson(reflectors, n),
        median_days_to_complete=days,
        activity_completed=per_activity,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------- leading indicators


def completion_key(cohort_label: str) -> str:
    """The leading-indicator key of one cohort's completion: ``Course completion (%):
    Ward 4A``."""
    return f"{LEADING_COMPLETION}: {cohort_label}"


def _leading(
    learners: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    period: str,
    min_group_size: int,
    until: dt.date | None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, pd.Series]:
    """Cumulative completion (%) and mean score per period, hidden below the minimum.

    Completion is per cohort when there are several (``completion_key``): pooled, a
    second cohort's enrolment read as completion "falling" from 96% to 50%.
    """
    cohorts = sorted(set(learners["cohort"])) if "cohort" in learners.columns else []
    if len(cohorts) > 1:
        out: dict[str, pd.Series] = {}
        for cohort in cohorts:
            mine = learners[learners["cohort"] == cohort]
            part = _leading(
                mine,
                scores.iloc[0:0],
                period=period,
                min_group_size=min_group_size,
                until=until,
            )
            if LEADING_COMPLETION in part:
                key = completion_key((labels or {}).get(cohort, cohort))
                out[key] = part[LEADING_COMPLETION].rename(key)
        pooled = _leading(
            learners.drop(columns="cohort"),
            scores,
            period=period,
            min_group_size=min_group_size,
            until=until,
        )
        if LEADING_SCORE in pooled:
            out[LEADING_SCORE] = pooled[LEADING_SCORE]
        return out
    out = {}
    if learners.empty:
        return out
    code = PERIOD_CODES[period]
    first = learners["first"].min()
    if until is not None:
        last = pd.Timestamp(until)
    else:
        seen = [learners["first"].max(), learners["completed_on"].max(), scores["date"].max()]
        last = max(t for t in seen if not pd.isna(t))
    periods = pd.period_range(first.to_period(code), last.to_period(code), freq=code)
    starts = pd.DatetimeIndex([p.start_time.normalize() for p in periods]).as_unit("ns")
    ends = np.array([period_end(s, period).to_datetime64() for s in starts])
    firsts = np.sort(learners["first"].to_numpy(dtype="datetime64[ns]"))
    dones = np.sort(learners["completed_on"].dropna().to_numpy(dtype="datetime64[ns]"))
    enrolled = np.searchsorted(firsts, ends, side="right")
    completed = np.searchsorted(dones, ends, side="right")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(enrolled >= min_group_size, completed / enrolled * 100.0, np.nan)
    completion = pd.Series(share, index=starts, name=LEADING_COMPLETION).dropna()
    if not completion.empty:
        out[LEADING_COMPLETION] = completion
    if not scores.empty:
        scored = scores.assign(period=scores["date"].dt.to_period(code).dt.start_time)
        by_period = scored.groupby("period")  # two plain reductions: 5x a named .agg
        stats = pd.DataFrame(
            {"mean": by_period["score"].mean(), "learners": by_period["learner"].nunique()}
        )
        stats = stats[stats["learners"] >= min_group_size]
        if not stats.empty:
            idx = pd.DatetimeIndex(stats.index).as_unit("ns").normalize()
            out[LEADING_SCORE] = pd.Series(
                stats["mean"].to_numpy(dtype=np.float64), index=idx, name=LEADING_SCORE
            )
    return out


def _shown(
    learners: pd.DataFrame, scores: pd.DataFrame, min_group_size: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Only learners of cohorts big enough to show (no cohort counts as one group), so a
    series over time cannot reveal a hidden cohort when it joins the denominator."""
    sizes = learners["cohort"].map(learners["cohort"].value_counts())
    kept = learners[sizes.to_numpy() >= min_group_size]
    return kept, scores[scores["learner"].isin(kept.index)]


def _facts(
    learning: pd.DataFrame, path: PathMeta, until: dt.date | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = path_records(learning, path, until)
    if rows.empty:
        empty = pd.DataFrame(
            {
                "cohort": pd.Series([], dtype="str"),
                "first": pd.Series([], dtype="datetime64[ns]"),
                "started": pd.Series([], dtype=bool),
                "reflections": pd.Series([], dtype="int64"),
                "completed_on": pd.Series([], dtype="datetime64[ns]"),
                "passed": pd.Series([], dtype=bool),
            }
        )
        return empty, rows[["learner", "activity", "date", "score"]], rows[["learner", "activity"]]
    return _learner_table(rows, path), _scores(rows, path), _done_pairs(rows)


def path_learning(
    learning: pd.DataFrame,
    path: PathMeta,
    *,
    period: str,
    min_group_size: int,
    until: dt.date | None = None,
) -> PathLearning:
    """Funnels per cohort and in total, activity completion and leading indicators."""
    learners, scores, done = _facts(learning, path, until)
    activities = [a.id for a in path.activities]
    funnels: dict[str, Funnel] = {}
    completion: dict[str, dict[str, float]] = {}
    shown = 0
    for c in path.cohorts:
        f = _funnel(learners[learners["cohort"] == c.id], scores, done, activities, min_group_size)
        funnels[c.id] = f
        if not f.suppressed and f.enrolled:
            shown += f.enrolled
            completion[c.id] = {a: n / f.enrolled for a, n in f.activity_completed.items()}
    total = _funnel(learners, scores, done, activities, min_group_size)
    rest = len(learners) - shown
    if not total.suppressed and 0 < rest < min_group_size:
        total = Funnel(
            suppressed=True,
            notes=("Total hidden: it would reveal a cohort too small to show.",),
        )
    kept, kept_scores = _shown(learners, scores, min_group_size)
    labels = {c.id: c.label for c in path.cohorts}
    leading = _leading(
        kept,
        kept_scores,
        period=period,
        min_group_size=min_group_size,
        until=until,
        labels=labels,
    )
    return PathLearning(funnels, total, completion, leading)


def goal_leading(
    learning: pd.DataFrame,
    paths: Sequence[PathMeta],
    *,
    period: str,
    min_group_size: int,
    until: dt.date | None = None,
) -> dict[str, pd.Series]:
    """Leading indicators over the learners of several paths together."""
    tables, scores = [], []
    for path in paths:
        learners, sc, _ = _facts(learning, path, until)
        learners, sc = _shown(learners, sc, min_group_size)
        if learners.empty:
            continue
        tables.append(learners.set_index(learners.index.astype("str") + "\x1f" + path.id))
        scores.append(sc.assign(learner=sc["learner"].astype("str") + "\x1f" + path.id))
    if not tables:
        return {}
    nonempty = [s for s in scores if not s.empty]
    return _leading(
        pd.concat(tables),
        pd.concat(nonempty) if nonempty else scores[0],
        period=period,
        min_group_size=min_group_size,
        until=until,
        labels={c.id: c.label for p in paths for c in p.cohorts},
    )


def combine_funnels(funnels: Sequence[Funnel]) -> Funnel | None:
    """Several shown funnels as one (e.g. a goal's paths): counts add, rates are redone.

    Hidden funnels are left out (so nothing hidden leaks); the mean score is weighted
    by each funnel's scored learners' share of enrolled; None if nothing is shown.
    """
    shown = [f for f in funnels if not f.suppressed and f.enrolled]
    if not shown:
        return None
    if len(shown) == 1:
        return shown[0]

    def total(name: str) -> int:
        return sum(int(getattr(f, name) or 0) for f in shown)

    n = total("enrolled")
    completed, passed = total("completed"), total("passed")
    reflectors = sum(
        round(f.reflection_rate.value * (f.enrolled or 0)) for f in shown if f.reflection_rate
    )
    scored = [(f.mean_score, f.enrolled or 0) for f in shown if f.mean_score is not None]
    weight = sum(w for _, w in scored)
    mean = sum(m * w for m, w in scored) / weight if weight else None
    activity: dict[str, int] = {}
    for f in shown:
        for a, k in f.activity_completed.items():
            activity[a] = activity.get(a, 0) + k
    return Funnel(
        suppressed=False,
        enrolled=n,
        started=total("started"),
        completed=completed,
        passed=passed,
        completion_rate=wilson(completed, n),
        pass_rate=wilson(passed, n),
        mean_score=mean,
        reflections=total("reflections"),
        reflection_rate=wilson(reflectors, n),
        activity_completed=activity,
        notes=tuple(dict.fromkeys(x for f in shown for x in f.notes)),
    )


class Completions(NamedTuple):
    """A path's cumulative enrolments and completions by each of some days."""

    by_day: list[tuple[int, int] | None]
    """(enrolled, completed) learners by the end of each day; None where fewer than
    ``min_group_size`` had enrolled by that day."""
    first_enrolment: dt.date | None
    """The first day a learner counted in ``by_day`` appears (None: nobody)."""


def completion_counts(
    learning: pd.DataFrame,
    path: PathMeta,
    dates: Sequence[dt.date],
    *,
    min_group_size: int,
) -> Completions:
    """(enrolled, completed) learners of ``path`` by the end of each day in ``dates``.

    Cumulative counts over the learners of cohorts big enough to show (the rule of the
    completion leading indicator), and the first day one of them appears. One pass over
    the records, however many dates.
    """
    if not dates:
        return Completions([], None)
    learners, scores, _ = _facts(learning, path, max(dates))
    kept, _ = _shown(learners, scores, min_group_size)
    firsts = np.sort(kept["first"].to_numpy(dtype="datetime64[ns]"))
    dones = np.sort(kept["completed_on"].dropna().to_numpy(dtype="datetime64[ns]"))
    ends = np.array([np.datetime64(pd.Timestamp(d), "ns") for d in dates])
    enrolled = np.searchsorted(firsts, ends, side="right")
    completed = np.searchsorted(dones, ends, side="right")
    by_day = [
        (int(n), int(c)) if n >= min_group_size else None
        for n, c in zip(enrolled, completed, strict=True)
    ]
    first = kept["first"].min() if len(kept) else pd.NaT
    return Completions(by_day, None if pd.isna(first) else pd.Timestamp(first).date())
