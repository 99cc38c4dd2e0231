"""Goal progress and status: where the KPI is against where the plan says it should be.

Definitions (DESIGN.md §4): progress = (current − baseline) / (target − baseline),
direction-aware; expected progress = the share of the way the plan (milestones, else
the straight line baseline → target) expects by ``as_of``; the gap between the two, in
points, decides on track / at risk / off track. A linear trend of the recent periods,
projected to the deadline with a 95% prediction band, is the forecast.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..schema import GoalMeta
from .periods import (
    as_date,
    complete_only,
    goal_series,
    open_period_label,
    period_end,
    period_index,
    period_label,
    until,
)
from .wording import day_label

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
    low: float
    """Lower end of the 95% prediction band."""
    high: float
    """Upper end of the 95% prediction band."""
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
    """The KPI's latest period value (None without data)."""
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
    """Share of the way from baseline to target (0 = baseline, 1 = target; may leave 0–1)."""
    expected_progress: float | None
    """Share of the way the plan expects by ``as_of`` (0–1)."""
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
    values = s.dropna().to_numpy(dtype=np.float64)
    if not len(values):
        return None, None
    low = 0.0 if values.min() >= 0 else None
    high = 100.0 if "%" in unit and values.max() <= 100 else None
    return low, high


def forecast(
    s: pd.Series,
    *,
    target: float,
    target_date: dt.date,
    direction: str,
    period: str,
    bounds: tuple[float | None, float | None] = (None, None),
) -> Forecast | None:
    """OLS line through the last 4–12 periods, predicted at the deadline's period, with
    the 95% band for a new observation; value and band kept within ``bounds``."""
    from scipy import special

    recent = s.dropna().iloc[-FORECAST_MAX_PERIODS:]
    if len(recent) < FORECAST_MIN_PERIODS:
        return None
    x = np.array([period_index(ts, period) for ts in recent.index], dtype=np.float64)
    x_target = float(period_index(target_date, period))
    if x_target <= x[-1]:
        return None
    y = recent.to_numpy(dtype=np.float64)
    design = np.column_stack([np.ones(len(x)), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    new = np.array([1.0, x_target])
    value = float(new @ beta)
    resid = y - design @ beta
    dof = len(y) - 2
    scale = float(resid @ resid) / dof
    spread = math.sqrt(scale * (1.0 + new @ np.linalg.inv(design.T @ design) @ new))
    half = float(special.stdtrit(dof, 0.975)) * spread
    low, high = value - half, value + half
    floor, ceiling = bounds
    if floor is not None:
        value, low, high = (max(v, floor) for v in (value, low, high))
    if ceiling is not None:
        value, low, high = (min(v, ceiling) for v in (value, low, high))
    reaches = _sign(direction) * (value - target) >= 0
    return Forecast(target_date, value, low, high, bool(reaches), len(recent))


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
    if gap is None:  # the target is not beyond the baseline, and current misses it
        return "off-track"
    if gap <= on_track:
        return "on-track"
    if gap <= at_risk:
        return "at-risk"
    return "off-track"


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
    if baseline is None or current == baseline:
        moved = f"{name} is {_fmt(current)}{unit} ({when})"
    else:
        verb = "rose" if current > baseline else "fell"
        moved = f"{name} {verb} from {_fmt(baseline)} to {_fmt(current)}{unit}"
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
            way += f" (plan: {expected:.0%} by now)"
        parts.append(way)
    parts.append(STATUS_LABELS[status].lower())
    return "; ".join(parts) + "."


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
    seen = until(own_series, as_of, period).dropna()
    through = complete_through
    s = complete_only(seen, through, period)
    open_period = as_date(seen.index[-1]) if len(seen) > len(s) else None
    open_value = float(seen.iloc[-1]) if open_period is not None else None
    baseline, baseline_date, source = resolve_baseline(goal_meta, s, period)
    plan = expected_path(goal_meta, baseline, baseline_date)
    has_data = not s.empty
    current = float(s.iloc[-1]) if has_data else None
    current_period = as_date(s.index[-1]) if has_data else None
    last_obs = min(as_date(period_end(s.index[-1], period)), as_of) if has_data else None
    stale = has_data and period_index(as_of, period) - period_index(seen.index[-1], period) > (
        stale_after
    )
    progress = (
        share_of_way(current, baseline, k.target.value, k.direction)
        if current is not None and baseline is not None
        else None
    )
    expected: float | None = None
    if baseline is not None and baseline_date is not None:
        value = expected_value(plan, as_of)
        share = (
            share_of_way(value, baseline, k.target.value, k.direction)
            if value is not None
            else None
        )
        expected = None if share is None else min(1.0, max(0.0, share))
    gap = (
        round((expected - progress) * 100.0, 9)
        if expected is not None and progress is not None
        else None
    )
    recent = s.iloc[-SUSTAINED_PERIODS:].to_numpy(dtype=np.float64)
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
        )
        + _open_text(goal_meta, open_period, open_value, period),
        confidence_conflict=_conflict(goal_meta, status, as_of),
        open_period=open_period,
        open_value=open_value,
    )
