"""Calibration of the impact intervals on generated panels with the truth planted.

The fast version draws enough panels to catch a method that is off by a few points;
its bounds are the targets (coverage 93–97%, false positives at most 6%) widened by two
binomial standard errors of that many draws. ``pytest -m long`` runs the full-size
study (1,000 panels a scenario), where the bounds are the targets widened by one
standard error (0.7 points): a method sitting on a bound passes or fails there by the
luck of the draws. ``benchmarks/calibration.py`` prints the figures.
"""

from __future__ import annotations

import math

import pytest

from tests.calibration import (
    DIVERGING,
    SCENARIOS,
    Scenario,
    headline_false_positives,
    run,
    staggered_coverage,
)

FAST, LONG = 150, 1000


def _slack(draws: int, p: float) -> float:
    return 2 * math.sqrt(p * (1 - p) / draws)


def _check(coverage: float, false_positives: float, draws: int) -> None:
    slack = _slack(draws, 0.05) / (2 if draws >= LONG else 1)
    assert 0.93 - slack <= coverage <= 0.97 + slack
    assert false_positives <= 0.06 + slack


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_intervals_cover_the_planted_effect(scenario: Scenario) -> None:
    out = run(scenario, FAST)
    assert out.missing == 0
    _check(out.coverage, out.rejection, len(out.covered))


def test_staggered_cohorts_cover_the_planted_effect() -> None:
    out = staggered_coverage(FAST)
    assert out.missing == 0
    _check(out.coverage, out.rejection, len(out.covered))


def test_the_headline_of_three_null_cohorts_rarely_claims_an_effect() -> None:
    headline, best_of_three = headline_false_positives(FAST)
    assert headline <= 0.06 + _slack(FAST, 0.05)
    assert best_of_three > headline  # what ranking by significance would have claimed


def test_diverging_pre_trends_never_pass_for_strong_evidence() -> None:
    out = run(DIVERGING, FAST)
    warned = sum(out.warned) / len(out.warned)
    assert warned >= 0.94 - _slack(FAST, 0.05)


@pytest.mark.long
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_long_intervals_cover_the_planted_effect(scenario: Scenario) -> None:
    out = run(scenario, LONG)
    _check(out.coverage, out.rejection, LONG)


@pytest.mark.long
def test_long_staggered_and_headline() -> None:
    out = staggered_coverage(LONG)
    _check(out.coverage, out.rejection, LONG)
    assert headline_false_positives(LONG)[0] <= 0.06
