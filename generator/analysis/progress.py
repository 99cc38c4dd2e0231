"""Goal progress and status: where the KPI is against where the plan says it should be.

Definitions (DESIGN.md §4): the **recent level** is the mean of the last
``LEVEL_PERIODS`` complete periods, so one noisy month does not flip a status;
progress = (level − baseline) / (target − baseline), direction-aware; expected progress
= the share of the way the plan (milestones, else the straight line baseline → target)
expects over the same periods (like with like: a three-month mean is not compared with
the plan for today); the gap between the two, in points, decides on track / at risk /
off track. The level's 95% interval comes from the noise of the recent periods around
their trend, fitted as AR(1)+white noise by REML (``inference.fit_noise``, the impact
estimates' model); when the interval's ends fall in different bands the status is
"within the noise" of its neighbours and the summary says so. "Achieved" needs the
target met in ``SUSTAINED_PERIODS`` complete periods in a row. A linear trend of the
recent periods, projected to the deadline, is the forecast; its 95% band allows for the
same autocorrelated noise and is kept within the KPI's range.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from ..dates import as_date, last_day, period_end, period_index, period_indices, period_label
from ..model.schema import GoalMeta, KeyResult
from ..text import day_label
from .inference import correlation, fit_series
from .periods import (
    complete_position,
    goal_series,
    open_period_label,
    until_position,
)

Status = Literal["not-started", "on-track", "at-risk", "off-track", "achieved", "no-data", "stale"]
STATUS_LABELS: dict[str, str] = {
    "not-started": "Not started",
    "on-track": "On track",
    "at-risk": "At risk",
    "off-track": "Off track",
    "achieved": "Achieved",
    "no-data": "No data",
    "stale": "Stale data",
}
"""Display label per status."""
ATTENTION_ORDER: tuple[str, ...] = (
    "off-track",
    "at-risk",
    "stale",
    "no-data",
    "not-started",
    "on-track",
    "achieved",
)
"""Statuses from the one that most needs a leader's attention to the least: the order of
the dashboard, the reviews and every status legend."""
STATUS_RANK: dict[str, int] = {s: i for i, s in enumerate(ATTENTION_ORDER)}
FORECAST_MIN_PERIODS = 4
"""Fewest periods a forecast is fitted on."""
FORECAST_MAX_PERIODS = 12
"""Most recent periods the forecast's trend is fitted on."""
LEVEL_PERIODS = 3
"""Complete periods averaged into the recent level that status and progress read."""
SUSTAINED_PERIODS = 2
"""A goal is achieved once its KPI has met the target in this many complete periods in a
row (one, while it has only one): one lucky month is not an achievement."""
BaselineSource = Literal["value", "window", "first-observation"]


@dataclass(frozen=True)
class Forecast:
    """The recent linear trend projected to the deadline."""

    date: dt.date
    """The deadline the projection is for."""
    value: float
    """Projected KPI value at the deadline."""
    low: float | None
    """Lower end of the 95% prediction band (None when the noise cannot be told: an exact
    fit or too few periods)."""
    high: float | None
    """Upper end of the 95% prediction band (None with ``low``)."""
    reaches_target: bool
    """Whether the projected value meets the target (direction-aware)."""
    n_periods: int
    """Periods the trend was fitted on."""


@dataclass(frozen=True)
class GoalProgress:
    """One goal's position against its plan, as of a date."""

    status: Status
    """not-started, on-track, at-risk, off-track, achieved, no-data or stale."""
    status_label: str
    """The status in words, e.g. ``On track``."""
    as_of: dt.date
    """The report date."""
    current: float | None
    """The KPI's latest complete period value (None without data)."""
    current_period: dt.date | None
    """First day of the latest period with data."""
    baseline: float | None
    """The baseline: its declared value, the mean of the data in its window, or the first
    observation when neither is available (see ``baseline_source``)."""
    baseline_date: dt.date | None
    """When the baseline holds: its date, its window's end, or the first period's start."""
    baseline_source: BaselineSource | None
    """Where the baseline came from: value, window or first-observation."""
    target: float
    """The target value."""
    target_date: dt.date
    """The deadline."""
    progress: float | None
    """Share of the way from baseline to target of the recent level (0 = baseline,
    1 = target; may leave 0–1)."""
    expected_progress: float | None
    """Share of the way the plan expects over the level's periods (0–1)."""
    gap_points: float | None
    """expected − progress, in points (×100): positive = behind plan."""
    forecast: Forecast | None
    """Trend projected to the deadline; None with fewer than 4 periods or a past deadline."""
    stale: bool
    """No observation in the last ``stale_after`` periods before ``as_of``."""
    last_observation: dt.date | None
    """Last day of the latest period with data (observations are kept per period)."""
    series: pd.Series = field(repr=False)
    """The goal's period series up to ``as_of``, indexed by period start."""
    expected_path: list[tuple[dt.date, float]]
    """The plan as points: baseline → milestones → target."""
    summary: str
    """One sentence from the numbers."""
    confidence_conflict: str | None
    """Set when the owner's latest check-in confidence contradicts the status."""
    open_period: dt.date | None = None
    """First day of a period whose data are not complete yet (kept out of status,
    progress, forecast and impact), or None."""
    open_value: float | None = None
    """The open period's value so far (shown as such, never as a complete figure)."""
    level: float | None = None
    """The recent level: mean of the last ``level_periods`` complete periods."""
    level_low: float | None = None
    """Lower end of the level's 95% interval (None when the noise cannot be told)."""
    level_high: float | None = None
    """Upper end of the level's 95% interval."""
    level_periods: int = 0
    """Complete periods in the level (up to ``LEVEL_PERIODS``)."""
    level_from: dt.date | None = None
    """First day of the level's first period."""
    gap_low: float | None = None
    """The gap (points) at the optimistic end of the level's interval."""
    gap_high: float | None = None
    """The gap (points) at the pessimistic end of the level's interval."""
    level_text: str = ""
    """What progress is judged on, in one sentence, e.g. ``Judged on the mean of 2026-08
    to 2026-10: 4.4 errors / 1000 doses (95% interval 4 to 4.8).``"""
    status_range: tuple[Status, Status] | None = None
    """The statuses at the optimistic and pessimistic ends of the level's interval, when
    they differ from each other: the status is within the noise of those."""


def _fmt(v: float) -> str:
    if v == 0 or not math.isfinite(v):
        return "0" if v == 0 else str(v)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def _sign(direction: str) -> float:
    return 1.0 if direction == "increase" else -1.0


def resolve_baseline(
    goal: GoalMeta, s: pd.Series, period: str
) -> tuple[float | None, dt.date | None, BaselineSource | None]:
    """The baseline value, its date and where it came from (see ``GoalProgress.baseline``)."""
    b = goal.kpi.baseline
    first = (float(s.iloc[0]), as_date(s.index[0])) if not s.empty else None
    if b is not None and b.value is not None:
        when = b.date or (b.window[1] if b.window else None) or (first[1] if first else None)
        return float(b.value), when, "value"
    if b is not None and b.window is not None:
        start, end = b.window
        ends = [period_end(ts, period) for ts in s.index]
        keep = [
            ts <= pd.Timestamp(end) and e >= pd.Timestamp(start)
            for ts, e in zip(s.index, ends, strict=True)
        ]
        inside = s[np.array(keep, dtype=bool)] if keep else s
        if not inside.empty:
            return float(inside.mean()), end, "window"
    if first is not None:
        return first[0], first[1], "first-observation"
    return None, (b.as_of if b is not None else None), None


def expected_path(
    goal: GoalMeta, baseline: float | None, baseline_date: dt.date | None
) -> list[tuple[dt.date, float]]:
    """The plan's points in date order: baseline, milestones, target."""
    k = goal.kpi
    pts: list[tuple[dt.date, float]] = []
    if baseline is not None and baseline_date is not None:
        pts.append((baseline_date, baseline))
    for m in sorted(k.milestones, key=lambda m: m.date):
        if not pts or m.date > pts[-1][0]:
            pts.append((m.date, float(m.value)))
    if not pts or k.target.date > pts[-1][0]:
        pts.append((k.target.date, float(k.target.value)))
    return pts


def expected_value(path: list[tuple[dt.date, float]], when: dt.date) -> float | None:
    """The plan's value at ``when``: piecewise linear between its points."""
    if len(path) < 2:
        return None
    if when <= path[0][0]:
        return path[0][1]
    for (d0, v0), (d1, v1) in zip(path, path[1:], strict=False):
        if when <= d1:
            return v0 + (v1 - v0) * (when - d0).days / (d1 - d0).days
    return path[-1][1]


def share_of_way(value: float, baseline: float, target: float, direction: str) -> float | None:
    """How far ``value`` is from baseline to target, direction-aware; None if undefined."""
    sign = _sign(direction)
    span = sign * (target - baseline)
    if span <= 0:
        return None
    return sign * (value - baseline) / span


def value_range(s: pd.Series, unit: str) -> tuple[float | None, float | None]:
    """The range a KPI can take: never below 0 when it has never been negative (counts,
    rates, money), and at most 100 when its unit is a percentage and it never exceeded it."""
    values = s.to_numpy(dtype=np.float64)
    values = values[~np.isnan(values)]
    if not len(values):
        return None, None
    low = 0.0 if values.min() >= 0 else None
    high = 100.0 if "%" in unit and values.max() <= 100 else None
    return low, high


def _recent(s: pd.Series, period: str) -> tuple[np.ndarray, np.ndarray]:
    """The last ``FORECAST_MAX_PERIODS`` periods: (period indices, values)."""
    recent = _without_gaps(s)
    x = period_indices(recent.index[-FORECAST_MAX_PERIODS:], period).astype(np.float64)
    return x, recent.to_numpy(dtype=np.float64)[-FORECAST_MAX_PERIODS:]


def _without_gaps(s: pd.Series) -> pd.Series:
    """``s.dropna()``, without its copy when there is nothing to drop (a period
    table's series never has gaps; reviews ask for thousands of them)."""
    return s.dropna() if np.isnan(s.to_numpy(dtype=np.float64)).any() else s


def recent_level(s: pd.Series, period: str) -> tuple[float | None, float | None, float | None, int]:
    """(level, 95% low, 95% high, periods): the mean of the complete periods among the
    last ``LEVEL_PERIODS`` of the calendar, with the range that one-off noise allows.

    The noise is measured from period-to-period changes over the last 4–12 periods (the
    mean squared successive difference, von Neumann 1941), which a trend or a step such
    as training's own effect hardly moves; a residual-based estimate read those as noise
    and called every goal "within the noise". A deviation that persists for months is
    not one-off noise: it is where the KPI is. The interval is None with fewer periods or
    no change at all. Calibrated in tests/test_analysis_progress.py.
    """
    from scipy import special

    values = _without_gaps(s)
    if values.empty:
        return None, None, None, 0
    # The last LEVEL_PERIODS periods of the calendar, not the last three with data: a
    # figure from before a gap is not recent.
    x, y = _recent(values, period)
    idx = x[-LEVEL_PERIODS:]
    m = int((idx > x[-1] - LEVEL_PERIODS).sum())
    level = float(y[-m:].mean())
    if len(y) < FORECAST_MIN_PERIODS:
        return level, None, None, m
    steps = np.diff(y) / np.sqrt(np.diff(x))  # a gap of k periods: k periods of change
    sigma = math.sqrt(float(np.mean(steps**2)) / 2.0)
    if sigma <= 0:
        return level, None, None, m
    half = float(special.stdtrit(len(steps), 0.975)) * sigma / math.sqrt(m)
    return level, level - half, level + half, m


def forecast(
    s: pd.Series,
    *,
    target: float,
    target_date: dt.date,
    direction: str,
    period: str,
    bounds: tuple[float | None, float | None] = (None, None),
) -> Forecast | None:
    """The OLS line through the last 4–12 periods, predicted at the deadline's period.

    The 95% band is for the KPI in that period: the line's error plus the noise of one
    period, under the AR(1)+noise model fitted to the residuals (a forecast one period
    ahead leans on the last residuals; a year ahead hardly at all), with the trend's
    bootstrap-t critical value (``inference.fit_series``). Value and band stay within
    ``bounds``; the band is None when the noise cannot be told (an exact fit).
    """
    x, y = _recent(s, period)
    if len(y) < FORECAST_MIN_PERIODS:
        return None
    x_target = float(period_index(target_date, period))
    if x_target <= x[-1]:
        return None
    t = x - x[0]
    fit = fit_series(y, t, {"trend": t})
    intercept, slope = fit.estimates
    ahead = x_target - x[0]
    value = intercept + slope * ahead
    crit = fit.critical[1]
    low: float | None = None
    high: float | None = None
    if crit is not None and fit.sigma > 0:
        design = np.column_stack([np.ones(len(t)), t])
        weights = np.array([1.0, ahead]) @ np.linalg.pinv(design)  # value = weights @ y
        corr = correlation(np.r_[t, ahead], fit.phi, fit.share)
        inside, between = corr[:-1, :-1], corr[:-1, -1]
        var = fit.sigma**2 * (weights @ inside @ weights - 2 * weights @ between + 1.0)
        half = crit * math.sqrt(max(var, 0.0))
        low, high = value - half, value + half
    floor, ceiling = bounds

    def clip(v: float | None) -> float | None:
        if v is None:
            return None
        v = v if floor is None else max(v, floor)
        return v if ceiling is None else min(v, ceiling)

    value = float(clip(value))  # type: ignore[arg-type]
    reaches = _sign(direction) * (value - target) >= 0
    return Forecast(target_date, value, clip(low), clip(high), bool(reaches), len(y))


def _status(
    *,
    has_data: bool,
    stale: bool,
    achieved: bool,
    before_baseline: bool,
    started: bool,
    progress: float | None,
    gap: float | None,
    on_track: float,
    at_risk: float,
) -> Status:
    if not has_data:
        return "no-data"
    if stale:
        return "stale"
    if achieved:
        return "achieved"
    if before_baseline:
        return "not-started"
    # No cohort has started and the KPI has not moved: "not started" while the plan
    # expects little yet. Once the plan is further along than the on-track tolerance,
    # waiting for training does not hide that the goal is behind.
    if not started and (progress is None or progress <= 0) and (gap is None or gap <= on_track):
        return "not-started"
    return _band(gap, on_track, at_risk)


def _band(gap: float | None, on_track: float, at_risk: float) -> Status:
    """on-track, at-risk or off-track from the gap in points."""
    if gap is None:  # the target is not beyond the baseline, and the level misses it
        return "off-track"
    if gap <= on_track:
        return "on-track"
    if gap <= at_risk:
        return "at-risk"
    return "off-track"


_BANDS = ("on-track", "at-risk", "off-track")


def _middle(first: dt.date, period: str, as_of: dt.date) -> dt.date:
    """The middle day of the period starting on ``first`` (never after ``as_of``)."""
    last = last_day(first, period)
    return min(first + (last - first) / 2, as_of)


def _conflict(goal: GoalMeta, status: Status, as_of: dt.date) -> str | None:
    checkins = [c for c in goal.checkins if c.date <= as_of]
    if not checkins:
        return None
    last = max(checkins, key=lambda c: c.date)
    label = STATUS_LABELS[status].lower()
    if last.confidence >= 7 and status == "off-track":
        return (
            f"The owner's confidence was {last.confidence}/10 on {day_label(last.date)}, "
            f"but the numbers say {label}."
        )
    if last.confidence <= 3 and status in ("on-track", "achieved"):
        return (
            f"The owner's confidence was only {last.confidence}/10 on "
            f"{day_label(last.date)}, although the numbers say {label}."
        )
    return None


def _summary(
    goal: GoalMeta,
    status: Status,
    *,
    baseline: float | None,
    current: float | None,
    current_period: dt.date | None,
    progress: float | None,
    expected: float | None,
    period: str,
    level: float | None = None,
    level_from: dt.date | None = None,
    status_range: tuple[Status, Status] | None = None,
) -> str:
    k = goal.kpi
    name = k.label[:1].upper() + k.label[1:]
    unit = f" {k.unit}" if k.unit else ""
    if status == "no-data" and current is None:
        return f"No KPI data for {k.label} yet; the status is unknown."
    assert current is not None and current_period is not None
    when = period_label(current_period, period)
    if status == "stale":
        return (
            f"The latest figure for {name.lower()} is from {when} ({_fmt(current)}{unit}); "
            "nothing newer, so the status is unknown."
        )
    now = current if level is None else level
    spread = level_from is not None and level_from != current_period
    over = f"{period_label(level_from, period)} to {when} average" if spread else when
    if baseline is None or now == baseline:
        moved = f"{name} is {_fmt(now)}{unit} ({over})"
    else:
        verb = "rose" if now > baseline else "fell"
        moved = f"{name} {verb} from {_fmt(baseline)} to {_fmt(now)}{unit}"
        if spread:
            moved += f" ({over})"
    parts = [moved]
    if status == "achieved":
        parts.append(f"the target of {_fmt(k.target.value)} is reached")
    elif progress is not None:
        way = (
            f"{progress:.0%} of the way to the target"
            if progress >= 0
            else "moving away from the target"
        )
        if expected is not None and status != "not-started":
            way += f" (plan: {expected:.0%})"
        parts.append(way)
    verdict = STATUS_LABELS[status].lower()
    if status_range is not None:
        lo, hi = (_BANDS.index(x) for x in status_range)
        others = [STATUS_LABELS[x].lower() for x in _BANDS[lo : hi + 1] if x != status]
        verdict += f", though the noise allows {' or '.join(others)} too"
    parts.append(verdict)
    return "; ".join(parts) + "."


def _level_text(
    goal: GoalMeta,
    level: float | None,
    low: float | None,
    high: float | None,
    first: dt.date | None,
    last: dt.date | None,
    period: str,
) -> str:
    if level is None or first is None or last is None:
        return ""
    unit = f" {goal.kpi.unit}" if goal.kpi.unit else ""
    band = (
        f" (95% interval {_fmt(low)} to {_fmt(high)})"
        if low is not None and high is not None
        else ""
    )
    if first == last:
        return f"Judged on {period_label(last, period)} alone: {_fmt(level)}{unit}{band}."
    return (
        f"Judged on the mean of {period_label(first, period)} to {period_label(last, period)}: "
        f"{_fmt(level)}{unit}{band}."
    )


def _open_text(goal: GoalMeta, start: dt.date | None, value: float | None, period: str) -> str:
    """`` November so far: 4.1 errors / 1000 doses (not counted until the month is complete).``"""
    if start is None or value is None:
        return ""
    unit = f" {goal.kpi.unit}" if goal.kpi.unit else ""
    return (
        f" {open_period_label(start, period)}: {_fmt(value)}{unit} "
        f"(not counted until the {period} is complete)."
    )


def goal_progress(
    goal_meta: GoalMeta,
    periods_df: pd.DataFrame,
    *,
    as_of: dt.date,
    period: str,
    stale_after: int,
    on_track: float,
    at_risk: float,
    started: bool,
    own_series: pd.Series | None = None,
    with_forecast: bool = True,
    complete_through: dt.date | None = None,
) -> GoalProgress:
    """Status, progress, forecast and summary of one goal (rules in the module docstring).

    ``started`` is False when no cohort of any linked path has started by ``as_of``:
    such a goal with no progress yet is "not started". Periods after ``as_of`` are
    ignored. ``own_series`` is the goal's ``goal_series`` when the caller already has it
    (period reviews ask for the same goal on many days). ``with_forecast=False`` leaves
    ``forecast`` None for callers that do not show it (an OLS fit per call).
    ``complete_through``: the last day the KPI's observations cover; a later period is
    still open, and stays out of everything but ``open_period``/``open_value``.
    """
    k = goal_meta.kpi
    if own_series is None:
        own_series = goal_series(periods_df, k.metric, k.group, k.agg)
    # positions in the goal's whole series rather than a slice per cut (reviews ask for
    # the same series on many days)
    own = _without_gaps(own_series)
    n_seen = until_position(own, as_of, period)
    n = complete_position(own, n_seen, complete_through, period)
    s = own.iloc[:n]
    figures = s.to_numpy(dtype=np.float64)
    open_period = as_date(own.index[n_seen - 1]) if n_seen > n else None
    open_value = float(own.iloc[n_seen - 1]) if open_period is not None else None
    baseline, baseline_date, source = resolve_baseline(goal_meta, s, period)
    plan = expected_path(goal_meta, baseline, baseline_date)
    has_data = len(figures) > 0
    current = float(figures[-1]) if has_data else None
    current_period = as_date(s.index[-1]) if has_data else None
    last_obs = min(last_day(current_period, period), as_of) if current_period is not None else None
    stale = has_data and period_index(as_of, period) - period_index(
        own.index[n_seen - 1], period
    ) > (stale_after)
    level, level_low, level_high, m = recent_level(s, period)
    floor, ceiling = value_range(s, k.unit)
    if level_low is not None and floor is not None:
        level_low = max(level_low, floor)
    if level_high is not None and ceiling is not None:
        level_high = min(level_high, ceiling)
    level_from = as_date(s.index[-m]) if m else None

    def way(v: float | None) -> float | None:
        if v is None or baseline is None:
            return None
        return share_of_way(v, baseline, k.target.value, k.direction)

    progress = way(level)
    expected: float | None = None
    if baseline is not None and baseline_date is not None:
        # The plan over the level's periods (at each period's middle), or by as_of
        # before there are any.
        days = [_middle(first, period, as_of) for first in s.index[-m:].date] if m else [as_of]
        values = [expected_value(plan, d) for d in days]
        shares = [
            share_of_way(v, baseline, k.target.value, k.direction) if v is not None else None
            for v in values
        ]
        if all(x is not None for x in shares):
            expected = min(1.0, max(0.0, float(np.mean([x for x in shares if x is not None]))))

    def gap_of(share: float | None) -> float | None:
        if expected is None or share is None:
            return None
        return round((expected - share) * 100.0, 9)

    gap = gap_of(progress)
    ends = sorted(g for g in (gap_of(way(level_low)), gap_of(way(level_high))) if g is not None)
    gap_low, gap_high = (ends[0], ends[-1]) if len(ends) == 2 else (None, None)
    recent = figures[-SUSTAINED_PERIODS:]
    achieved = bool(len(recent) and (_sign(k.direction) * (recent - k.target.value) >= 0).all())
    before_baseline = baseline_date is not None and as_of < baseline_date
    status = _status(
        has_data=has_data,
        stale=bool(stale),
        achieved=achieved,
        before_baseline=before_baseline,
        started=started,
        progress=progress,
        gap=gap,
        on_track=on_track,
        at_risk=at_risk,
    )
    status_range: tuple[Status, Status] | None = None
    if gap_low is not None and gap_high is not None and status in _BANDS:
        best, worst = _band(gap_low, on_track, at_risk), _band(gap_high, on_track, at_risk)
        if best != worst:
            status_range = (best, worst)
    fc = (
        forecast(
            s,
            target=k.target.value,
            target_date=k.target.date,
            direction=k.direction,
            period=period,
            bounds=value_range(s, k.unit),
        )
        if with_forecast and has_data and k.target.date > as_of
        else None
    )
    return GoalProgress(
        status=status,
        status_label=STATUS_LABELS[status],
        as_of=as_of,
        current=current,
        current_period=current_period,
        baseline=baseline,
        baseline_date=baseline_date,
        baseline_source=source,
        target=float(k.target.value),
        target_date=k.target.date,
        progress=progress,
        expected_progress=expected,
        gap_points=gap,
        forecast=fc,
        stale=bool(stale),
        last_observation=last_obs,
        series=s,
        expected_path=plan,
        summary=_summary(
            goal_meta,
            status,
            baseline=baseline,
            current=current,
            current_period=current_period,
            progress=progress,
            expected=expected,
            period=period,
            level=level,
            level_from=level_from,
            status_range=status_range,
        )
        + _open_text(goal_meta, open_period, open_value, period),
        confidence_conflict=_conflict(goal_meta, status, as_of),
        open_period=open_period,
        open_value=open_value,
        level=level,
        level_low=level_low,
        level_high=level_high,
        level_periods=m,
        level_from=level_from,
        gap_low=gap_low,
        gap_high=gap_high,
        level_text=_level_text(
            goal_meta, level, level_low, level_high, level_from, current_period, period
        ),
        status_range=status_range,
    )


# ---------------------------------------------------------------- several key results


def combine_key_results(
    goal: GoalMeta, parts: list[tuple[KeyResult, GoalProgress]], as_of: dt.date
) -> GoalProgress:
    """A goal's position from its key results' (``kpis:``), by the documented rule
    (docs/analysis.md, "Several key results"):

    - **status**: the status of the key result that most needs attention, in the order
      of :data:`ATTENTION_ORDER` (off track, at risk, stale, no data, not started, on
      track, achieved). A goal is on track only when every key result is, achieved only
      when every one is; a key result with no recent data makes the goal's status say
      so rather than lean on the others.
    - **progress**: the weighted mean of the key results' progress, each taken between
      0 and 1 (one far past its target does not make up for one behind); **expected**
      the weighted mean of theirs; the gap their difference. Unknown (None) while any
      key result has no progress figure: the combined figure would leave it out.

    Everything else (current value, baseline, target, forecast, series) is the first
    key result's, the headline; pages show every key result's own figures beside it.
    """
    weights = [kr.weight for kr, _ in parts]
    total = float(sum(weights))

    def weighted(values: list[float | None]) -> float | None:
        if any(v is None for v in values):
            return None
        return float(sum(w * v for w, v in zip(weights, values, strict=True) if v is not None))

    progress = weighted(
        [None if p.progress is None else min(1.0, max(0.0, p.progress)) for _, p in parts]
    )
    expected = weighted([p.expected_progress for _, p in parts])
    if progress is not None:
        progress /= total
    if expected is not None:
        expected /= total
    gap = (
        round((expected - progress) * 100.0, 9)
        if progress is not None and expected is not None
        else None
    )
    status: Status = min((p.status for _, p in parts), key=lambda s: STATUS_RANK[s])
    head = parts[0][1]
    return replace(
        head,
        status=status,
        status_label=STATUS_LABELS[status],
        progress=progress,
        expected_progress=expected,
        gap_points=gap,
        gap_low=None,
        gap_high=None,
        status_range=None,
        summary=_key_results_summary(parts, status, progress, expected),
        level_text="",
        confidence_conflict=_conflict(goal, status, as_of),
    )


def _key_results_summary(
    parts: list[tuple[KeyResult, GoalProgress]],
    status: Status,
    progress: float | None,
    expected: float | None,
) -> str:
    """``3 key results: 1 at risk (medication errors), 2 on track; 41% of the way,
    weighted (plan: 45%); at risk, as its weakest key result is.``"""
    by_status: dict[str, list[str]] = {}
    for kr, p in parts:
        by_status.setdefault(p.status, []).append(kr.label)
    counts = []
    for s in ATTENTION_ORDER:
        names = by_status.get(s)
        if names:
            who = f" ({', '.join(names)})" if s != "on-track" and s != "achieved" else ""
            counts.append(f"{len(names)} {STATUS_LABELS[s].lower()}{who}")
    text = f"{len(parts)} key results: " + ", ".join(counts)
    if progress is not None:
        text += f"; {progress:.0%} of the way, weighted"
        if expected is not None:
            text += f" (plan: {expected:.0%})"
    else:
        text += "; no combined progress until every key result has a figure"
    if status == "achieved":
        return text + "; achieved: every key result is."
    if status == "on-track":
        return text + "; on track: every key result is."
    return text + f"; {STATUS_LABELS[status].lower()}, as its weakest key result is."
