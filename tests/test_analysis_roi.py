"""Phillips ROI: arithmetic, direction, the interval carried through, and when it is None."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator.analysis.impact import ImpactEstimate
from generator.analysis.roi import phillips_roi

IMPACT = ImpactEstimate(
    method="did",
    cohort="ward-a",
    comparison="ward-b",
    estimate=-0.5,
    ci_low=-0.8,
    ci_high=-0.2,
    p_value=0.002,
    n_pre=6,
    n_post=6,
    pre_window=(dt.date(2025, 1, 1), dt.date(2025, 6, 1)),
    post_window=(dt.date(2025, 9, 1), dt.date(2026, 2, 1)),
    parallel_trend_p=0.6,
    parallel_ok=True,
    evidence="strong",
    summary="Ward A's error rate fell 0.5 relative to Ward B's after training.",
    period="month",
    unit="per 1,000 doses",
)


def test_roi_arithmetic_for_a_decrease_goal() -> None:
    roi = phillips_roi(
        IMPACT, direction="decrease", benefit_per_unit=100.0, cost=400.0, horizon_periods=12
    )
    assert roi is not None
    assert roi.units_improved == pytest.approx(0.5)
    assert roi.benefit == pytest.approx(0.5 * 100 * 12)  # 600
    assert (roi.benefit_low, roi.benefit_high) == (pytest.approx(240.0), pytest.approx(960.0))
    assert roi.roi_pct == pytest.approx(50.0)  # (600 − 400) / 400 × 100
    assert (roi.roi_low, roi.roi_high) == (pytest.approx(-40.0), pytest.approx(140.0))
    assert roi.cost == 400.0 and roi.currency == "EUR" and roi.people is None
    assert roi.summary.startswith("ROI 50% (95% CI −40% to 140%) over 12 months, assuming ")
    assert "EUR 100 a month" in roi.summary and "(impact evidence: strong)" in roi.summary


def test_an_increase_goal_counts_the_same_fall_as_a_loss() -> None:
    roi = phillips_roi(IMPACT, direction="increase", benefit_per_unit=100.0, cost=400.0)
    assert roi is not None
    assert roi.units_improved == pytest.approx(-0.5)
    assert roi.benefit == pytest.approx(-600.0)
    assert roi.benefit_low == pytest.approx(-960.0) and roi.benefit_high == pytest.approx(-240.0)
    assert roi.roi_low <= roi.roi_pct <= roi.roi_high
    assert roi.roi_pct == pytest.approx(-250.0)


@pytest.mark.parametrize("direction", ["increase", "decrease"])
@pytest.mark.parametrize(("lo", "hi"), [(-0.8, -0.2), (-0.3, 0.4), (0.1, 0.9)])
def test_intervals_are_ordered(direction: str, lo: float, hi: float) -> None:
    impact = dataclasses.replace(IMPACT, estimate=(lo + hi) / 2, ci_low=lo, ci_high=hi)
    roi = phillips_roi(impact, direction=direction, benefit_per_unit=50.0, cost=1000.0)  # type: ignore[arg-type]
    assert roi is not None
    assert roi.benefit_low <= roi.benefit <= roi.benefit_high
    assert roi.roi_low <= roi.roi_pct <= roi.roi_high


def test_assumptions_name_the_horizon_the_value_and_the_design() -> None:
    its = dataclasses.replace(
        IMPACT, method="its", comparison=None, evidence="weak", period="quarter"
    )
    roi = phillips_roi(
        its,
        direction="decrease",
        benefit_per_unit=2500.0,
        cost=12000.0,
        currency="GBP",
        people=40,
        horizon_periods=4,
    )
    assert roi is not None
    text = " ".join(roi.assumptions)
    assert "0.5 per 1,000 doses" in text and "the goal is a decrease" in text
    assert "GBP 2,500" in text and "one quarter" in text and "4 quarters" in text
    assert "interrupted time series" in text and "weaker evidence" in text
    assert "40 people trained (GBP 300 per person)" in text
    assert roi.people == 40
    assert "over 4 quarters" in roi.summary and "(impact evidence: weak)" in roi.summary


@pytest.mark.parametrize(
    ("impact", "cost"),
    [
        (
            dataclasses.replace(IMPACT, method="none", estimate=None, ci_low=None, ci_high=None),
            400.0,
        ),
        (dataclasses.replace(IMPACT, ci_low=None, ci_high=None), 400.0),
        (IMPACT, 0.0),
        (IMPACT, -10.0),
        (IMPACT, float("nan")),
    ],
)
def test_roi_is_none_without_an_estimate_or_a_cost(impact: ImpactEstimate, cost: float) -> None:
    assert phillips_roi(impact, direction="decrease", benefit_per_unit=100.0, cost=cost) is None


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="direction"):
        phillips_roi(IMPACT, direction="up", benefit_per_unit=1.0, cost=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="horizon"):
        phillips_roi(
            IMPACT, direction="decrease", benefit_per_unit=1.0, cost=1.0, horizon_periods=0
        )
