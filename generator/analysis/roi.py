"""Phillips ROI (level 5): the impact estimate turned into money, with its interval.

Benefit = the KPI change attributed to training, in the goal's direction, × the money
value of one KPI unit per period × the horizon in periods; ROI% = (benefit − cost) /
cost × 100 (DESIGN.md §4). The impact's 95% CI goes through the same formula, so an ROI
is never shown without its interval or the assumptions it rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .impact import ImpactEstimate, format_number, with_unit

Direction = Literal["increase", "decrease"]
_DESIGN = {
    "did": "isolated with a comparison group (difference-in-differences)",
    "its": (
        "isolated only by the earlier trend (interrupted time series, weaker evidence: "
        "other changes at the same time are not ruled out)"
    ),
}


@dataclass(frozen=True)
class RoiEstimate:
    """Return on the programme's cost, with the impact's uncertainty carried through."""

    benefit: float
    """Money gained over the horizon (point estimate)."""
    benefit_low: float
    """Benefit at the unfavourable end of the impact's 95% CI."""
    benefit_high: float
    """Benefit at the favourable end of the impact's 95% CI."""
    cost: float
    """Programme cost."""
    currency: str
    """Currency code of benefit and cost, e.g. ``EUR``."""
    roi_pct: float
    """(benefit − cost) / cost × 100."""
    roi_low: float
    """ROI% at ``benefit_low``."""
    roi_high: float
    """ROI% at ``benefit_high``."""
    units_improved: float
    """The effect in the goal's direction, in KPI units (positive = good)."""
    people: int | None
    """People trained, if known."""
    assumptions: tuple[str, ...]
    """Plain sentences: how the benefit was computed, the horizon, what was attributed."""
    summary: str
    """One sentence with the ROI, its interval and the main assumption."""


def _money(x: float, currency: str) -> str:
    return f"{currency} {format_number(x, 3)}"


def _pct(x: float) -> str:
    """Whole percents below 100 (``8%``), two significant digits above (``140%``)."""
    return f"{format_number(x) if abs(x) >= 100 else format_number(float(round(x)), 3)}%"


def _periods(n: int, period: str) -> str:
    return f"{n} {period}{'' if n == 1 else 's'}"


def phillips_roi(
    impact: ImpactEstimate,
    *,
    direction: Direction,
    benefit_per_unit: float,
    cost: float,
    currency: str = "EUR",
    people: int | None = None,
    horizon_periods: int = 12,
) -> RoiEstimate | None:
    """Phillips ROI of ``impact`` over ``horizon_periods`` periods of ``impact.period``.

    ``benefit_per_unit`` is the money value of one KPI unit of change for one period;
    the change is assumed to hold for the whole horizon. None when the impact has no
    estimate or no interval (ROI is never shown bare), or the cost is not positive.
    """
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be increase or decrease, got {direction!r}")
    if horizon_periods < 1:
        raise ValueError("horizon_periods must be at least 1")
    if not math.isfinite(benefit_per_unit):
        raise ValueError("benefit_per_unit must be a finite number")
    if impact.estimate is None or impact.ci_low is None or impact.ci_high is None:
        return None
    if not (math.isfinite(cost) and cost > 0):
        return None
    sign = 1.0 if direction == "increase" else -1.0
    factor = benefit_per_unit * horizon_periods
    units = sign * impact.estimate
    benefit = units * factor
    b_low, b_high = sorted((sign * impact.ci_low * factor, sign * impact.ci_high * factor))

    def roi(b: float) -> float:
        return (b - cost) / cost * 100

    per = impact.period
    horizon = _periods(horizon_periods, per)
    value = _money(benefit_per_unit, currency)
    moved = "rise" if direction == "increase" else "fall"
    assumptions = [
        f"Benefit = the improvement attributed to training "
        f"({with_unit(format_number(units), impact.unit)}; the goal is a {direction}, so a "
        f"{moved} counts as improvement) × {value}, the value of one unit of improvement "
        f"for one {per}, × {horizon} = {_money(benefit, currency)}.",
        f"The effect is assumed to last {horizon} at the same size, without discounting.",
        f"All of the estimated change is attributed to training, "
        f"{_DESIGN.get(impact.method, impact.method)}.",
        "The interval carries the impact's 95% CI through the same formula; uncertainty in "
        "the value per unit and in the cost is not included.",
    ]
    if people:
        each = _money(cost / people, currency)
        assumptions.append(
            f"Cost {_money(cost, currency)} for {people} people trained ({each} per person)."
        )
    summary = (
        f"ROI {_pct(roi(benefit))} (95% CI {_pct(roi(b_low))} to {_pct(roi(b_high))}) over "
        f"{horizon}, assuming each unit of improvement is worth {value} a {per} and the "
        f"effect lasts that long (impact evidence: {impact.evidence})."
    )
    return RoiEstimate(
        benefit=benefit,
        benefit_low=b_low,
        benefit_high=b_high,
        cost=cost,
        currency=currency,
        roi_pct=roi(benefit),
        roi_low=roi(b_low),
        roi_high=roi(b_high),
        units_improved=units,
        people=people,
        assumptions=tuple(assumptions),
        summary=summary,
    )
