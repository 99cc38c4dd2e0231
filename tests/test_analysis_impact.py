"""Impact estimates on synthetic KPI series with planted effects (seeded numpy)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy import special

from generator.analysis.impact import (
    CohortWindow,
    estimate_cohorts,
    estimate_did,
    estimate_its,
    format_number,
    minimum_detectable_effect,
    split_windows,
)
from generator.analysis.inference import fit_series, mean_difference_se

D = dt.date
FREQ = {"week": "W-MON", "month": "MS", "quarter": "QS"}
TRAIN = (D(2025, 7, 7), D(2025, 8, 22))  # months Jan–Jun before, Sep onwards after


def monthly(values: np.ndarray, start: str = "2025-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def pair(
    seed: int,
    effect: float,
    *,
    n: int = 15,
    sd: float = 0.3,
    treated_slope: float = 0.1,
    comparison_slope: float = 0.1,
    after: str = "2025-09-01",
) -> tuple[pd.Series, pd.Series]:
    """Treated and comparison monthly series from Jan 2025; ``effect`` added from ``after``."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    idx = pd.date_range("2025-01-01", periods=n, freq="MS")
    shift = effect * (idx >= pd.Timestamp(after))
    treated = 5 + treated_slope * t + shift + rng.normal(0, sd, n)
    comparison = 3 + comparison_slope * t + rng.normal(0, sd, n)
    return pd.Series(treated, index=idx), pd.Series(comparison, index=idx)


def did(treated: pd.Series, comparison: pd.Series, **kw: object):
    args: dict[str, object] = {
        "cohort": "ward-a-2025",
        "comparison_name": "ward-b",
        "train_start": TRAIN[0],
        "train_end": TRAIN[1],
    }
    args.update(kw)
    return estimate_did(treated, comparison, **args)  # type: ignore[arg-type]


# --- difference-in-differences ------------------------------------------------------------


def test_did_recovers_a_large_planted_effect() -> None:
    treated, comparison = pair(seed=7, effect=-1.5)
    est = did(
        treated,
        comparison,
        unit="per 1,000 doses",
        treated_label="Ward A",
        comparison_label="Ward B",
        kpi_label="error rate",
    )
    assert est.method == "did" and est.comparison == "ward-b" and est.cohort == "ward-a-2025"
    assert est.ci_low is not None and est.ci_high is not None and est.estimate is not None
    assert est.ci_low <= -1.5 <= est.ci_high
    assert est.ci_high < 0 and est.p_value is not None and est.p_value < 0.05
    assert abs(est.estimate + 1.5) < 0.4
    assert est.parallel_ok is True and est.parallel_trend_p is not None
    assert est.evidence == "strong" and est.caveats == ()
    assert (est.n_pre, est.n_post) == (6, 7)
    assert est.summary.startswith("Ward A's error rate fell ")
    assert "per 1,000 doses relative to Ward B's after training (95% CI " in est.summary
    assert est.summary.endswith("strong evidence from a comparison group.")


def test_did_rising_effect_says_rose() -> None:
    treated, comparison = pair(seed=3, effect=2.0)
    est = did(treated, comparison, treated_label="Team North", comparison_label="Team South")
    assert est.estimate is not None and est.estimate > 0
    assert est.summary.startswith("Team North's KPI rose ")


def test_did_ci_covers_zero_at_the_nominal_rate_when_there_is_no_effect() -> None:
    hits = 0
    for seed in range(200):
        treated, comparison = pair(seed, effect=0.0, n=12)
        est = did(treated, comparison)
        assert est.ci_low is not None and est.ci_high is not None
        hits += est.ci_low <= 0 <= est.ci_high
    assert 0.88 <= hits / 200 <= 0.99


def test_did_without_a_clear_effect_says_so() -> None:
    treated, comparison = pair(seed=11, effect=0.0, sd=1.0)
    est = did(treated, comparison, treated_label="Ward A", comparison_label="Ward B")
    assert est.ci_low is not None and est.ci_high is not None
    assert est.ci_low < 0 < est.ci_high
    assert est.evidence == "moderate"
    assert "changed by" in est.summary and "no clear effect" in est.summary


def test_non_parallel_pre_trends_are_flagged() -> None:
    treated, comparison = pair(seed=5, effect=-1.0, treated_slope=0.6, comparison_slope=0.0)
    est = did(treated, comparison)
    assert est.parallel_trend_p is not None and est.parallel_trend_p < 0.10
    assert est.parallel_ok is False
    assert est.evidence == "moderate"
    assert any("not parallel" in c and "may be biased" in c for c in est.caveats)


def test_did_with_too_little_data_is_none() -> None:
    treated, comparison = pair(seed=1, effect=-1.0, n=9)  # 6 before, 1 after
    est = did(treated, comparison, treated_label="Ward A", comparison_label="Ward B")
    assert est.method == "none" and est.estimate is None and est.evidence == "insufficient"
    assert (est.n_pre, est.n_post) == (6, 1)
    assert est.summary == (
        "Too little data to compare Ward A with Ward B: 6 months before training, 1 after "
        "(need 3 and 2)."
    )


def test_did_with_two_pre_periods_cannot_check_parallel_trends() -> None:
    treated, comparison = pair(seed=2, effect=-1.0)
    est = did(treated[4:], comparison[4:], min_pre=2)
    assert est.method == "did" and est.n_pre == 2
    assert est.parallel_ok is None and est.parallel_trend_p is None
    assert any("Too few periods" in c for c in est.caveats)


# --- interrupted time series --------------------------------------------------------------


def test_its_recovers_a_level_shift_on_a_trending_series() -> None:
    rng = np.random.default_rng(21)
    t = np.arange(18)
    idx = pd.date_range("2025-01-01", periods=18, freq="MS")
    y = 10 + 0.5 * t + 3.0 * (idx >= pd.Timestamp("2025-09-01")) + rng.normal(0, 0.3, 18)
    est = estimate_its(
        pd.Series(y, index=idx), cohort="c1", train_start=TRAIN[0], train_end=TRAIN[1]
    )
    assert est.method == "its" and est.comparison is None and est.evidence == "weak"
    assert est.ci_low is not None and est.ci_high is not None
    assert est.ci_low <= 3.0 <= est.ci_high and est.ci_low > 0
    assert est.parallel_ok is None
    assert "no comparison group" in est.summary
    assert any("No comparison group" in c for c in est.caveats)
    # a naive before/after mean difference would be inflated by the trend
    assert abs(y[idx >= "2025-09-01"].mean() - y[idx < "2025-07-01"].mean() - 3.0) > 2


def test_its_with_too_little_data_is_none() -> None:
    s = monthly(np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]), start="2025-04-01")
    est = estimate_its(s, cohort="c1", train_start=TRAIN[0], train_end=TRAIN[1])
    assert est.method == "none" and est.estimate is None and est.evidence == "insufficient"
    assert (
        est.summary == "Too little data to tell: 3 months before training, 4 after (need 4 and 2)."
    )
    short = estimate_its(s[:5], cohort="c1", train_start=TRAIN[0], train_end=TRAIN[1])
    assert short.summary.startswith("Too little data to tell: 3 months before training, 0 after")


# --- windows -------------------------------------------------------------------------------

WINDOW_CASES = {
    # period: (first start, n, train start, train end, pre window, post window)
    "week": (
        "2025-02-03",
        12,
        D(2025, 3, 12),  # a Wednesday: its week (Mar 10–16) is left out
        D(2025, 3, 28),
        (D(2025, 2, 3), D(2025, 3, 3)),
        (D(2025, 3, 31), D(2025, 4, 21)),
    ),
    "month": (
        "2025-01-01",
        12,
        D(2025, 3, 1),  # starts on the 1st: February is still "before"
        D(2025, 5, 31),  # ends on the 31st: June is already "after"
        (D(2025, 1, 1), D(2025, 2, 1)),
        (D(2025, 6, 1), D(2025, 12, 1)),
    ),
    "quarter": (
        "2024-01-01",
        8,
        D(2024, 5, 15),
        D(2024, 8, 20),  # Q3 started before training ended: left out
        (D(2024, 1, 1), D(2024, 1, 1)),
        (D(2024, 10, 1), D(2025, 10, 1)),
    ),
}


@pytest.mark.parametrize("period", sorted(WINDOW_CASES))
def test_windows_exclude_periods_during_training(period: str) -> None:
    first, n, start, end, pre_w, post_w = WINDOW_CASES[period]
    idx = pd.date_range(first, periods=n, freq=FREQ[period])
    rng = np.random.default_rng(0)
    treated = pd.Series(rng.normal(5, 1, n), index=idx)
    comparison = pd.Series(rng.normal(3, 1, n), index=idx)
    pre, post = split_windows(treated, start, end, period)
    assert (pre.index[0].date(), pre.index[-1].date()) == pre_w
    assert (post.index[0].date(), post.index[-1].date()) == post_w
    est = did(treated, comparison, train_start=start, train_end=end, period=period, min_pre=1)
    assert (est.pre_window, est.post_window) == (pre_w, post_w)
    assert (est.n_pre, est.n_post) == (len(pre), len(post))
    assert est.period == period


def test_week_wording_and_training_end_before_start() -> None:
    s = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2025-03-03", periods=3, freq="W-MON"))
    est = estimate_its(
        s, cohort="c", train_start=D(2025, 3, 12), train_end=D(2025, 3, 14), period="week"
    )
    assert est.summary == "Too little data to tell: 1 week before training, 1 after (need 4 and 2)."
    with pytest.raises(ValueError, match="before it starts"):
        split_windows(s, D(2025, 3, 14), D(2025, 3, 12), "week")


# --- staggered cohorts ---------------------------------------------------------------------


def staggered(seed: int = 4) -> dict[str, pd.Series]:
    """Three wards; each falls by 1.5 after its own training (Apr, Oct 2025; Apr 2026)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2025-01-01", periods=24, freq="MS")
    t = np.arange(24)
    out = {}
    for i, (group, after) in enumerate(
        [("a", "2025-05-01"), ("b", "2025-11-01"), ("c", "2026-05-01")]
    ):
        shift = -1.5 * (idx >= pd.Timestamp(after))
        out[group] = pd.Series(4 + i + 0.1 * t + shift + rng.normal(0, 0.2, 24), index=idx)
    return out


COHORT_A = CohortWindow("ca", "Cohort A", "a", D(2025, 4, 1), D(2025, 4, 25))
COHORT_B = CohortWindow("cb", "Cohort B", "b", D(2025, 10, 1), D(2025, 10, 24))
COHORT_C = CohortWindow("cc", "Cohort C", "c", D(2026, 4, 1), D(2026, 4, 24))


def test_staggered_cohorts_use_the_later_cohort_cut_before_it_starts() -> None:
    groups = staggered()
    a, b = estimate_cohorts(
        {"a": groups["a"], "b": groups["b"]}, [COHORT_A, COHORT_B], control_group=None
    )
    assert a.method == "did" and a.comparison == "b"
    assert a.post_window == (D(2025, 5, 1), D(2025, 9, 1))  # cut before B's training
    assert a.pre_window == (D(2025, 1, 1), D(2025, 3, 1))
    assert a.ci_low is not None and a.ci_high is not None
    assert a.ci_low <= -1.5 <= a.ci_high < 0
    assert "Cohort A's KPI fell" in a.summary and "relative to Cohort B's" in a.summary
    assert b.method == "its" and b.comparison is None and b.evidence == "weak"
    assert b.ci_low is not None and b.ci_high is not None and b.ci_low <= -1.5 <= b.ci_high


def test_staggered_cohorts_pick_the_latest_starting_later_cohort() -> None:
    out = estimate_cohorts(staggered(), [COHORT_A, COHORT_B, COHORT_C], control_group=None)
    assert [e.comparison for e in out] == ["c", "c", None]
    assert out[0].post_window == (D(2025, 5, 1), D(2026, 3, 1))
    assert out[1].post_window == (D(2025, 11, 1), D(2026, 3, 1))


def test_a_control_group_is_preferred() -> None:
    groups = staggered()
    rng = np.random.default_rng(9)
    groups["ctl"] = pd.Series(
        2 + 0.1 * np.arange(24) + rng.normal(0, 0.2, 24), index=groups["a"].index
    )
    out = estimate_cohorts(groups, [COHORT_A, COHORT_B], control_group="ctl")
    assert [e.comparison for e in out] == ["ctl", "ctl"]
    assert out[0].post_window == (D(2025, 5, 1), D(2026, 12, 1))
    for e in out:
        assert e.ci_low is not None and e.ci_high is not None and e.ci_low <= -1.5 <= e.ci_high


def test_cohorts_still_training_or_without_data_are_none() -> None:
    groups = staggered()
    late = CohortWindow("cd", "Cohort D", "d", D(2026, 11, 2), D(2026, 12, 18))
    out = estimate_cohorts(groups, [COHORT_A, late], control_group=None, as_of=D(2026, 12, 1))
    assert out[1].method == "none" and out[1].evidence == "insufficient"
    assert out[1].summary == "Training runs until 18 Dec 2026; impact can be estimated after it."
    # without as_of the data's last period decides; a group without data says so
    out = estimate_cohorts(groups, [COHORT_A, late], control_group=None)
    assert out[1].summary.startswith("Training runs until 18 Dec 2026")
    nodata = CohortWindow("ce", "Cohort E", "e", D(2025, 3, 2), D(2025, 3, 20))
    (e,) = estimate_cohorts(groups, [nodata], control_group=None)
    assert e.method == "none" and "No KPI data for Cohort E" in e.summary


def test_same_group_cohorts_get_a_caveat() -> None:
    second = CohortWindow("ca2", "Cohort A2", "a", D(2025, 11, 3), D(2025, 11, 28))
    groups = staggered()
    out = estimate_cohorts(groups, [COHORT_A, second, COHORT_B], control_group=None)
    assert out[0].method == "did" and out[0].post_window == (D(2025, 5, 1), D(2025, 9, 1))
    assert not any("mixes" in c for c in out[0].caveats)  # A2 trains after the windows used
    assert any("Cohort A from 2025-04-01" in c for c in out[1].caveats)  # in A2's pre window
    groups["ctl"] = groups["c"]
    out = estimate_cohorts(groups, [COHORT_A, second], control_group="ctl")
    assert any("Cohort A2 from 2025-11-03" in c and "mixes" in c for c in out[0].caveats)


# --- minimum detectable effect -------------------------------------------------------------


def test_mde_shrinks_with_more_periods_and_grows_with_noise() -> None:
    treated, comparison = pair(seed=8, effect=0.0)
    pre_t, pre_c = treated[:6], comparison[:6]
    values = [minimum_detectable_effect(pre_t, pre_c, n_post=n) for n in (2, 4, 8)]
    assert values[0] is not None and values[1] is not None and values[2] is not None
    assert values[0] > values[1] > values[2] > 0
    # noise ×2 around the same trend (linear in time) → MDE ×2 exactly
    trend = pd.Series(0.003 * (pre_t.index - pre_t.index[0]).days, index=pre_t.index)
    noisy = minimum_detectable_effect(
        trend + 2 * (pre_t - trend), trend + 2 * (pre_c - trend), n_post=4
    )
    assert noisy == pytest.approx(2 * values[1])
    # more pre periods: smaller on average over seeds (σ itself is estimated)
    short, long = [], []
    for seed in range(30):
        t_s, c_s = pair(seed, effect=0.0, n=24)
        short.append(minimum_detectable_effect(t_s[:4], c_s[:4], n_post=6))
        long.append(minimum_detectable_effect(t_s, c_s, n_post=6))
    assert np.mean(long) < np.mean(short)  # type: ignore[arg-type]


def test_mde_matches_the_planned_formula() -> None:
    treated, comparison = pair(seed=12, effect=0.0, n=8)
    with_comp = minimum_detectable_effect(treated, comparison, n_post=5)
    alone = minimum_detectable_effect(treated, None, n_post=5)
    assert with_comp is not None and alone is not None
    # the noise of d_t = treated − comparison, by the intervals' own REML fit
    d = (treated - comparison).to_numpy()
    fit = fit_series(d, np.arange(8.0), {})
    t_quantiles = special.stdtrit(11, 0.975) + special.stdtrit(11, 0.8)
    se = mean_difference_se(np.arange(8.0), 8.0 + np.arange(5), fit.phi, fit.share, fit.sigma)
    assert with_comp == pytest.approx(t_quantiles * se)
    # independent noise: the familiar σ·√(1/n_pre + 1/n_post)
    iid = mean_difference_se(np.arange(8.0), 8.0 + np.arange(5), 0.0, 0.0, fit.sigma)
    assert iid == pytest.approx(fit.sigma * np.sqrt(1 / 8 + 1 / 5))
    assert (
        minimum_detectable_effect(treated, comparison, n_post=5, group_sizes=(20, 25)) == with_comp
    )


def test_mde_grows_when_the_noise_is_autocorrelated() -> None:
    rng = np.random.default_rng(4)
    idx = pd.date_range("2024-01-01", periods=24, freq="MS")
    white = rng.normal(0, 1, 24)
    smooth = np.convolve(rng.normal(0, 1, 30), np.ones(6) / np.sqrt(6), "valid")[:24]
    flat = pd.Series(0.0, index=idx)
    iid = minimum_detectable_effect(pd.Series(white, index=idx), flat, n_post=6)
    correlated = minimum_detectable_effect(pd.Series(smooth, index=idx), flat, n_post=6)
    assert iid is not None and correlated is not None
    assert correlated > 1.2 * iid  # same variance per period, less information


def test_mde_needs_three_pre_periods() -> None:
    treated, comparison = pair(seed=1, effect=0.0)
    assert minimum_detectable_effect(treated[:2], comparison[:2], n_post=6) is None
    assert minimum_detectable_effect(treated[:2], None, n_post=6) is None
    with pytest.raises(ValueError):
        minimum_detectable_effect(treated[:6], None, n_post=0)


# --- wording -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.4213, "0.42"), (-0.05, "−0.05"), (12345.0, "12,000"), (1.0, "1"), (0.0, "0"), (0.996, "1")],
)
def test_numbers_have_two_significant_digits(value: float, text: str) -> None:
    assert format_number(value) == text


def test_percent_units_attach_without_a_space() -> None:
    treated, comparison = pair(seed=7, effect=-1.5)
    est = did(treated, comparison, unit="%", treated_label="Ward A")
    assert est.summary.startswith("Ward A's KPI fell 1.")
    assert "% relative to" in est.summary and " % " not in est.summary
