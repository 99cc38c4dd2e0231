"""analysis/inference.py against statsmodels where it has the same model, and its rules."""

from __future__ import annotations

import numpy as np
import pytest

from generator.analysis import inference as inf
from generator.analysis.inference import GRID, correlation, fit_series, mean_difference_se


def _design(times: np.ndarray, x: np.ndarray) -> inf._Design:
    return inf._design(times.tobytes(), np.ascontiguousarray(x).tobytes(), x.shape[1])


def _panel(seed: int, n_pre: int = 12, gap: int = 2, n_post: int = 6):
    rng = np.random.default_rng(seed)
    times = np.r_[np.arange(n_pre), n_pre + gap + np.arange(n_post)].astype(float)
    post = np.r_[np.zeros(n_pre), np.ones(n_post)]
    y = 0.5 * post + rng.normal(0, 1, len(times))
    return times, post, y, np.column_stack([np.ones(len(times)), post])


def test_the_iid_candidate_is_ordinary_least_squares() -> None:
    sm = pytest.importorskip("statsmodels.api")
    times, post, y, x = _panel(1)
    d = _design(times, x)
    ols = sm.OLS(y, x).fit()
    q = float(y @ d.residual_maker[0] @ y)
    assert GRID[0] == (0.0, 0.0)
    assert q / d.dof == pytest.approx(ols.scale, rel=1e-10)
    assert np.sqrt(q / d.dof * d.variances[0]) == pytest.approx(ols.bse, rel=1e-10)
    assert d.hat @ y == pytest.approx(ols.params, rel=1e-10)


@pytest.mark.parametrize("k", [5, 40, len(GRID) - 1])
def test_gls_residuals_match_statsmodels_gls(k: int) -> None:
    sm = pytest.importorskip("statsmodels.api")
    times, post, y, x = _panel(2)
    d = _design(times, x)
    phi, share = GRID[k]
    r = correlation(times, phi, share)
    gls = sm.GLS(y, x, sigma=r).fit()
    assert float(y @ d.residual_maker[k] @ y) / d.dof == pytest.approx(gls.scale, rel=1e-8)
    # the OLS sandwich variance under R, by hand
    h = np.linalg.inv(x.T @ x) @ x.T
    assert d.variances[k] == pytest.approx(np.diag(h @ r @ h.T), rel=1e-10)
    # REML: −½[(n−p)·log q + log|R| + log|X'R⁻¹X|], the terms free of y precomputed
    expected = np.linalg.slogdet(r)[1] + np.linalg.slogdet(x.T @ np.linalg.inv(r) @ x)[1]
    assert d.log_dets[k] == pytest.approx(expected, rel=1e-8)


def test_reml_finds_strong_autocorrelation_in_a_long_series() -> None:
    rng = np.random.default_rng(3)
    n = 240
    e = np.empty(n)
    e[0] = rng.normal()
    for i in range(1, n):
        e[i] = 0.9 * e[i - 1] + np.sqrt(1 - 0.81) * rng.normal()
    times = np.arange(n, dtype=float)
    fit = fit_series(e, times, {"t": times})
    assert fit.phi * fit.share >= 0.7
    white = fit_series(rng.normal(size=n), times, {"t": times})
    assert abs(white.phi * white.share) <= 0.2


def test_intervals_are_deterministic_and_wider_under_autocorrelation() -> None:
    times, post, y, _ = _panel(4)
    a, b = fit_series(y, times, {"post": post}), fit_series(y, times, {"post": post})
    assert a == b  # seeded draws: builds stay byte-identical
    est, lo, hi, p = a.term("post")
    assert lo is not None and hi is not None and p is not None
    assert lo < est < hi and 0 < p <= 1
    assert a.critical[1] is not None and a.critical[1] > 1.5
    pre, after = np.arange(12.0), 14.0 + np.arange(6)
    iid = mean_difference_se(pre, after, 0.0, 0.0, 1.0)
    assert iid == pytest.approx(np.sqrt(1 / 12 + 1 / 6))
    assert mean_difference_se(pre, after, 0.8, 1.0, 1.0) > 1.5 * iid


def test_no_interval_without_residual_degrees_of_freedom_or_for_an_exact_fit() -> None:
    times = np.arange(3.0)
    short = fit_series(np.array([1.0, 2.0, 4.0]), times, {"t": times})  # 1 residual d.o.f.
    assert short.term("t")[1:] == (None, None, None)
    times = np.arange(8.0)
    exact = fit_series(2.0 + 0.5 * times, times, {"t": times})
    assert exact.term("t") == (pytest.approx(0.5), None, None, None)
