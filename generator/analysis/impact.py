"""Training impact on a KPI: difference-in-differences, interrupted time series, MDE.

Windows (DESIGN.md §4): the pre window holds the periods that END before training starts,
the post window the periods that START after its last day; periods during training are
left out. With a comparison group (a control group or a cohort that trains later) the
effect is a difference-in-differences fitted by OLS with period fixed effects and HC1
errors, after checking the groups moved in parallel before training. Without one it is
an interrupted time series (level change against the projected pre-trend): weaker
evidence, and every estimate says so in its ``summary``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..dates import period_end, period_index, period_indices
from ..text import day_label, id_words, p_text
from .inference import SeriesFit, fit_series, mean_difference_se

Evidence = Literal["strong", "moderate", "weak", "insufficient"]
Method = Literal["did", "its", "none"]
PARALLEL_ALPHA = 0.10
"""Pre-trends whose difference has p below this are flagged as not parallel."""
_TINY = 1e-9
"""Relative to the data's size, smaller coefficients are rounding noise of an exact fit."""


@dataclass(frozen=True)
class ImpactEstimate:
    """The effect of one cohort's training on its KPI, with how sure we are."""

    method: Method
    """did (difference-in-differences), its (interrupted time series) or none."""
    cohort: str
    """The treated cohort's id."""
    comparison: str | None
    """The comparison group's name (None for its/none without one)."""
    estimate: float | None
    """Effect in KPI units, signed as in the data (None when too little data)."""
    ci_low: float | None
    """Lower end of the 95% confidence interval."""
    ci_high: float | None
    """Upper end of the 95% confidence interval."""
    p_value: float | None
    """Two-sided p-value of the effect."""
    n_pre: int
    """Periods in the pre window (per group)."""
    n_post: int
    """Periods in the post window (per group)."""
    pre_window: tuple[dt.date, dt.date] | None
    """First and last period start of the pre window."""
    post_window: tuple[dt.date, dt.date] | None
    """First and last period start of the post window."""
    parallel_trend_p: float | None
    """DiD only: p-value of the difference between the groups' pre-training trends."""
    parallel_ok: bool | None
    """DiD only: False when the pre-trends differ (p < 0.10); None when unchecked."""
    evidence: Evidence
    """strong, moderate, weak or insufficient."""
    summary: str
    """One plain-English sentence for leaders."""
    caveats: tuple[str, ...] = ()
    """Plain sentences on what could make the estimate wrong."""
    period: str = "month"
    """week, month or quarter: the unit of the windows (and of ROI horizons)."""
    unit: str = ""
    """The KPI's unit, as used in the summary (e.g. ``per 1,000 doses``)."""
    trend_estimate: float | None = None
    """DiD only: the effect allowing for a linear trend in d_t (``d_t ~ 1 + post + t``)."""
    trend_ci_low: float | None = None
    """Lower end of the trend-adjusted 95% interval."""
    trend_ci_high: float | None = None
    """Upper end of the trend-adjusted 95% interval."""
    autocorrelation: float | None = None
    """The fitted correlation of the noise from one period to the next."""


@dataclass(frozen=True)
class CohortWindow:
    """When one cohort trains, and which KPI group it belongs to."""

    cohort: str
    """Cohort id."""
    label: str
    """Display name."""
    group: str
    """The cohort's KPI group (key into ``series_by_group``)."""
    start: dt.date
    """Training start."""
    end: dt.date
    """Last day of its last activity."""


# --- wording -----------------------------------------------------------------------------


def format_number(x: float, sig: int = 2) -> str:
    """``x`` to ``sig`` significant digits, thousands separated, no trailing zeros."""
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    decimals = sig - 1 - math.floor(math.log10(abs(x)))
    text = f"{round(x, decimals):,.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def _signed(x: float) -> str:
    text = format_number(x)
    return text if text.startswith("−") or text == "0" else f"+{text}"


def with_unit(text: str, unit: str) -> str:
    """``text`` followed by ``unit`` (no space before a ``%`` unit)."""
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}"


def _periods(n: int, period: str) -> str:
    return f"{n} {period}{'' if n == 1 else 's'}"


def _possessive(label: str) -> str:
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def _ci_text(lo: float, hi: float, magnitudes: bool) -> str:
    if magnitudes:
        a, b = sorted((abs(lo), abs(hi)))
        return f"(95% CI {format_number(a)} to {format_number(b)})"
    return f"(95% CI {_signed(lo)} to {_signed(hi)})"


def _change_text(est: float, lo: float, hi: float, unit: str, tail: str) -> tuple[str, bool]:
    """``fell 0.42 per 1,000 doses{tail} (95% CI 0.21 to 0.63)``, and whether CI excludes 0.

    A clear change is told as rose/fell with magnitudes; an unclear one as a signed change
    with a signed interval, so the reader sees it spans zero.
    """
    clear = lo > 0 or hi < 0
    if clear:
        verb = "rose" if est > 0 else "fell"
        amount = with_unit(format_number(abs(est)), unit)
        return f"{verb} {amount}{tail} {_ci_text(lo, hi, True)}", True
    amount = with_unit(_signed(est), unit)
    return f"changed by {amount}{tail} {_ci_text(lo, hi, False)}", False


# --- windows and fits --------------------------------------------------------------------


def _day(x: Any) -> dt.date:
    day: dt.date = pd.Timestamp(x).date()
    return day


def _clean(s: pd.Series) -> pd.Series:
    """``s`` as floats without gaps, indexed by unique period starts in order."""
    index = s.index
    if s.dtype == np.float64 and isinstance(index, pd.DatetimeIndex):
        starts = index.to_numpy()
        # strictly increasing (sorted, no duplicates) and no gaps: as the series of a
        # period table are; asked without pandas' index caches, which each slice rebuilds
        if (starts[1:] > starts[:-1]).all() and not np.isnan(s.to_numpy()).any():
            return s
    out = pd.Series(s, dtype="float64").dropna()
    out.index = pd.DatetimeIndex(out.index)
    return out[~out.index.duplicated(keep="last")].sort_index()


def split_windows(
    s: pd.Series, train_start: Any, train_end: Any, period: str
) -> tuple[pd.Series, pd.Series]:
    """The periods of ``s`` ending before ``train_start`` and starting after ``train_end``."""
    start, end = _day(train_start), _day(train_end)
    if end < start:
        raise ValueError(f"training ends ({end}) before it starts ({start})")
    s = _clean(s)
    # sorted periods: those before training are a head, those after it a tail. A period
    # ends before ``start`` exactly when it comes before the period holding it.
    before = int(np.searchsorted(_times(s.index, period), period_index(start, period)))
    days = s.index.to_numpy().astype("datetime64[D]")
    after = int(np.searchsorted(days, np.datetime64(end, "D"), side="right"))
    return s.iloc[:before], s.iloc[after:]


_NO_PERIODS = pd.Index([])


def _window(idx: pd.Index) -> tuple[dt.date, dt.date] | None:
    return (_day(idx[0]), _day(idx[-1])) if len(idx) else None


def _clear(lo: float | None, hi: float | None) -> bool:
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def _zeroed(x: float | None, scale: float) -> float | None:
    """``x``, or 0 where it is rounding noise of an exact fit."""
    if x is None:
        return None
    return 0.0 if abs(x) < _TINY * max(1.0, scale) else x


def _term(
    fit: SeriesFit, name: str, scale: float
) -> tuple[float, float | None, float | None, float | None]:
    est, lo, hi, p = fit.term(name)
    return _zeroed(est, scale) or 0.0, _zeroed(lo, scale), _zeroed(hi, scale), p


def _times(index: pd.Index, period: str) -> np.ndarray:
    """Period indices of ``index`` (consecutive periods differ by 1; gaps stay gaps)."""
    return period_indices(index, period).astype(np.float64)


def _at(s: pd.Series, index: pd.Index) -> np.ndarray:
    """The values of ``s`` at the labels ``index`` (all of them in ``s``), as floats."""
    values: np.ndarray = s.to_numpy(dtype=np.float64)[s.index.get_indexer(index)]
    return values


def _noise_caveat(fit: SeriesFit) -> str:
    """Say so when the periods' noise is markedly autocorrelated (it widens the interval)."""
    rho = fit.share * fit.phi
    if rho < 0.5:  # short series fit 0.3 to independent noise often: not worth a word
        return ""
    return (
        f"Periods are correlated (about {rho:.1f} from one to the next): the interval "
        "allows for it, so it is wider than a test that treats periods as independent."
    )


def _core(cohort: str, pre: pd.Index, post: pd.Index, period: str, unit: str) -> dict[str, Any]:
    """The fields every estimate has: cohort, window sizes and dates, period and unit."""
    return {
        "cohort": cohort,
        "n_pre": len(pre),
        "n_post": len(post),
        "pre_window": _window(pre),
        "post_window": _window(post),
        "period": period,
        "unit": unit,
    }


def _none(core: dict[str, Any], comparison: str | None, summary: str) -> ImpactEstimate:
    """An estimate that could not be made, saying why in ``summary``."""
    return ImpactEstimate(
        method="none",
        comparison=comparison,
        estimate=None,
        ci_low=None,
        ci_high=None,
        p_value=None,
        parallel_trend_p=None,
        parallel_ok=None,
        evidence="insufficient",
        summary=summary,
        **core,
    )


def _too_little(n_pre: int, n_post: int, need_pre: int, need_post: int, period: str) -> str:
    return (
        f"{_periods(n_pre, period)} before training, {n_post} after "
        f"(need {need_pre} and {need_post})."
    )


# --- estimators --------------------------------------------------------------------------


def estimate_did(
    treated: pd.Series,
    comparison: pd.Series,
    *,
    cohort: str,
    comparison_name: str,
    train_start: dt.date,
    train_end: dt.date,
    period: str = "month",
    min_pre: int = 3,
    min_post: int = 2,
    unit: str = "",
    treated_label: str | None = None,
    comparison_label: str | None = None,
    kpi_label: str | None = None,
) -> ImpactEstimate:
    """Difference-in-differences of ``treated`` against ``comparison`` around training.

    Only periods both series have count. With two groups and period effects the estimate
    is mean_post(d) − mean_pre(d) of the difference series d_t = treated − comparison
    (common shocks and seasons cancel in d_t); its interval comes from
    :mod:`inference` (autocorrelated noise, bootstrap-t). Beside it: the pre-window slope
    of d_t (the parallel-trends check, same noise model) and the trend-adjusted estimate
    ``d_t ~ 1 + post + t``. "strong" needs both intervals to exclude 0 and the check to
    pass; a trend the data cannot rule out makes the evidence weak, whatever the main
    interval says (Roth 2022: a passed pre-test alone proves little).
    """
    t_pre, t_post = split_windows(treated, train_start, train_end, period)
    c_pre, c_post = split_windows(comparison, train_start, train_end, period)
    pre, post = t_pre.index.intersection(c_pre.index), t_post.index.intersection(c_post.index)
    core = _core(cohort, pre, post, period, unit)
    name_t, name_c = treated_label or cohort, comparison_label or comparison_name
    if len(pre) < min_pre or len(post) < min_post:
        missing = _too_little(len(pre), len(post), min_pre, min_post, period)
        return _none(
            core, comparison_name, f"Too little data to compare {name_t} with {name_c}: {missing}"
        )
    tp, tq, cp, cq = _at(t_pre, pre), _at(t_post, post), _at(c_pre, pre), _at(c_post, post)
    d = np.r_[tp - cp, tq - cq]
    t = _times(pre.append(post), period)
    t -= t[0]
    is_post = np.r_[np.zeros(len(pre)), np.ones(len(post))]
    scale = float(np.abs(np.r_[tp, tq, cp, cq]).max())
    fit = fit_series(d, t, {"post": is_post})
    est, lo, hi, p = _term(fit, "post", scale)
    trend: tuple[float, float | None, float | None, float | None] | None = None
    trend_p: float | None = None
    if len(pre) >= 4:  # a slope and the noise from three points: no check, no adjustment
        pre_fit = fit_series(d[: len(pre)], t[: len(pre)], {"t": t[: len(pre)]})
        trend_p = _term(pre_fit, "t", scale)[3]
        trend = _term(fit_series(d, t, {"post": is_post, "t": t}), "post", scale)
    parallel = None if trend_p is None else trend_p >= PARALLEL_ALPHA
    caveats: list[str] = []
    if trend_p is not None and not parallel:
        caveats.append(
            f"Pre-training trends were not parallel ({p_text(trend_p)}): "
            "the estimate may be biased."
        )
    elif len(pre) < 4:
        caveats.append(
            "Too few periods before training to check that the groups moved in parallel."
        )
    elif parallel is None:
        caveats.append("Whether the groups moved in parallel could not be checked.")
    if caveat := _noise_caveat(fit):
        caveats.append(caveat)
    trend_clear = trend is not None and _clear(trend[1], trend[2]) and (trend[0] > 0) == (est > 0)
    tail = f" relative to {_possessive(name_c)} after training"
    if lo is None or hi is None:
        return replace(
            _none(core, comparison_name, ""),
            summary=(
                f"{_possessive(name_t)} {kpi_label or 'KPI'} changed by "
                f"{with_unit(_signed(est), unit)}{tail}, but there are too few periods to "
                "judge the noise: cannot tell yet."
            ),
            estimate=est,
            caveats=tuple(caveats),
        )
    change, clear = _change_text(est, lo, hi, unit, tail)
    evidence: Evidence
    if not clear:
        evidence = "moderate"
        verdict = "no clear effect, since the interval includes zero (a comparison-group design)."
    elif trend is None:
        evidence = "moderate"
        verdict = (
            "moderate evidence from a comparison group; too few periods before training "
            "to allow for a trend."
        )
    elif not trend_clear:
        # a trend the data cannot rule out: moderate at best, weak when the pre-window
        # check failed too
        evidence = "weak" if parallel is False else "moderate"
        unclear = (
            f" {_ci_text(trend[1], trend[2], False)}"
            if trend[1] is not None and trend[2] is not None
            else ""
        )
        verdict = (
            f"{evidence} evidence: allowing for a difference in the groups' trends, the "
            f"change is unclear{unclear}."
        )
    elif parallel is False:
        evidence = "moderate"
        verdict = "moderate evidence from a comparison group, whose trend before training differed."
    else:
        evidence = "strong"
        verdict = "strong evidence from a comparison group."
    return ImpactEstimate(
        method="did",
        comparison=comparison_name,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        parallel_trend_p=trend_p,
        parallel_ok=parallel,
        evidence=evidence,
        summary=f"{_possessive(name_t)} {kpi_label or 'KPI'} {change}: {verdict}",
        caveats=tuple(caveats),
        trend_estimate=None if trend is None else trend[0],
        trend_ci_low=None if trend is None else trend[1],
        trend_ci_high=None if trend is None else trend[2],
        autocorrelation=fit.share * fit.phi,
        **core,
    )


def estimate_its(
    treated: pd.Series,
    *,
    cohort: str,
    train_start: dt.date,
    train_end: dt.date,
    period: str = "month",
    min_pre: int = 4,
    min_post: int = 2,
    unit: str = "",
    treated_label: str | None = None,
    kpi_label: str | None = None,
) -> ImpactEstimate:
    """Interrupted time series: the level change after training against the pre-trend.

    Segmented regression ``y ~ t + post + t_post`` on the periods outside training, where
    ``t`` counts periods and ``t_post`` counts them from the first post period (0 before):
    the ``post`` coefficient is the jump between the projected pre-trend and the data at the
    first post period. Intervals from :mod:`inference` (autocorrelated noise,
    bootstrap-t). A clear slope change is reported as a caveat. Evidence is at most
    "weak": without a comparison group nothing rules out other causes, a season included.
    """
    pre_s, post_s = split_windows(treated, train_start, train_end, period)
    core = _core(cohort, pre_s.index, post_s.index, period, unit)
    if len(pre_s) < min_pre or len(post_s) < min_post:
        missing = _too_little(len(pre_s), len(post_s), min_pre, min_post, period)
        return _none(core, None, f"Too little data to tell: {missing}")
    t = _times(pre_s.index.append(post_s.index), period)
    t -= t[0]
    is_post = np.r_[np.zeros(len(pre_s)), np.ones(len(post_s))]
    t_post = (t - t[len(pre_s)]) * is_post
    y = np.r_[pre_s.to_numpy(dtype=np.float64), post_s.to_numpy(dtype=np.float64)]
    scale = float(np.abs(y).max())
    fit = fit_series(y, t, {"t": t, "post": is_post, "t_post": t_post})
    est, lo, hi, p = _term(fit, "post", scale)
    caveats = [
        "No comparison group: this is a before/after change adjusted for the earlier trend, "
        "and other changes at the same time (a season, a new process) could explain it."
    ]
    if caveat := _noise_caveat(fit):
        caveats.append(caveat)
    slope, s_lo, s_hi, _ = _term(fit, "t_post", scale)
    if len(post_s) >= 3 and s_lo is not None and s_hi is not None and (s_lo > 0 or s_hi < 0):
        amount = with_unit(_signed(slope), unit)
        caveats.append(
            f"The trend also changed after training, by {amount} per {period} "
            f"{_ci_text(s_lo, s_hi, False)}."
        )
    name = _possessive(treated_label or cohort)
    if lo is None or hi is None:
        return replace(
            _none(core, None, ""),
            summary=(
                f"{name} {kpi_label or 'KPI'} changed by {with_unit(_signed(est), unit)} after "
                "training, compared with its earlier trend, but there are too few periods to "
                "judge the noise: cannot tell yet."
            ),
            estimate=est,
            caveats=tuple(caveats),
        )
    change, clear = _change_text(
        est, lo, hi, unit, " after training, compared with its earlier trend"
    )
    verdict = "weak evidence" if clear else "no clear effect, and weak evidence"
    return ImpactEstimate(
        method="its",
        comparison=None,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        parallel_trend_p=None,
        parallel_ok=None,
        evidence="weak",
        summary=(
            f"{name} {kpi_label or 'KPI'} {change}: {verdict}, as there is no comparison group."
        ),
        caveats=tuple(caveats),
        autocorrelation=fit.share * fit.phi,
        **core,
    )


def minimum_detectable_effect(
    treated_pre: pd.Series,
    comparison_pre: pd.Series | None,
    *,
    n_post: int,
    alpha: float = 0.05,
    power: float = 0.8,
    group_sizes: tuple[int, int] | None = None,
    period: str = "month",
) -> float | None:
    """The smallest effect the planned design could detect, before any post data exist.

    The noise is learned from the series the estimate will use: the pre-window difference
    d_t = treated − comparison (common shocks and seasons cancel), or the treated series
    around its linear trend without a comparison. Its variance and autocorrelation come
    from the same AR(1)+noise REML fit as the intervals (:mod:`inference`); SE is that of
    mean(post) − mean(pre) under the fitted noise with ``n_post`` periods straight after
    the pre window, and MDE = (t₁₋α/₂ + t_power)·SE with n_pre + n_post − 2 degrees of
    freedom. ``group_sizes`` is an assumption only: the KPI series are already group
    means, so it does not enter the formula. None with fewer than 3 pre periods.
    """
    if n_post < 1 or not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("need n_post >= 1 and alpha, power between 0 and 1")
    if group_sizes is not None and min(group_sizes) < 1:
        raise ValueError("group sizes must be positive")
    series = _clean(treated_pre)
    if comparison_pre is not None:
        comp = _clean(comparison_pre)
        common = series.index.intersection(comp.index)
        series = series[common] - comp[common]
    n_pre = len(series)
    if n_pre < 3:
        return None
    t = _times(series.index, period)
    t -= t[0]
    columns = {} if comparison_pre is not None else {"t": t}
    fit = fit_series(series.to_numpy(dtype=float), t, columns)
    if not math.isfinite(fit.sigma):
        return None
    post_times = t[-1] + 1 + np.arange(n_post)
    se = mean_difference_se(t, post_times, fit.phi, fit.share, fit.sigma)
    dof = n_pre + n_post - 2
    from scipy import special  # only for a plan's detectable effect: not every build

    quantiles = special.stdtrit(dof, 1 - alpha / 2) + special.stdtrit(dof, power)
    return float(quantiles * se)


# --- staggered cohorts -------------------------------------------------------------------


def _comparison_for(
    c: CohortWindow,
    usable: Mapping[str, pd.Series],
    first: Mapping[str, tuple[dt.date, str]],
    control_group: str | None,
) -> tuple[str, str] | None:
    """(group, label) of the comparison: the control, else the latest later-trained group."""
    if control_group and control_group != c.group and control_group in usable:
        if control_group in first:
            return control_group, first[control_group][1]
        words = id_words(control_group)  # a KPI group with no cohort: "ward-6" → "Ward 6"
        return control_group, words[:1].upper() + words[1:]
    later = [(d, g) for g, (d, _) in first.items() if g != c.group and d > c.end and g in usable]
    if not later:
        return None
    group = max(later)[1]
    return group, first[group][1]


def estimate_cohorts(
    series_by_group: Mapping[str, pd.Series],
    cohorts: Sequence[CohortWindow],
    *,
    control_group: str | None,
    period: str = "month",
    unit: str = "",
    kpi_label: str | None = None,
    as_of: dt.date | None = None,
) -> list[ImpactEstimate]:
    """One estimate per cohort (in the given order), each cohort analysed on its own.

    Comparison: the ``control_group`` series if present, else the group of the
    latest-starting other cohort whose group first trains after this cohort ends (its
    series cut before that start), else none (ITS). Any comparison group that has
    cohorts of its own is cut before its first one starts. A DiD without enough data
    falls back to ITS when that has enough. ``as_of`` (default: the latest period in
    the data) tells which cohorts are still training.
    """
    first: dict[str, tuple[dt.date, str]] = {}
    for c in sorted(cohorts, key=lambda c: c.start, reverse=True):
        first[c.group] = (c.start, c.label)
    cleaned = {g: _clean(s) for g, s in series_by_group.items()}
    usable = {g: s for g, s in cleaned.items() if not s.empty}
    latest = max((s.index[-1].date() for s in usable.values()), default=None)
    out: list[ImpactEstimate] = []
    for c in cohorts:
        no_data = _core(c.cohort, _NO_PERIODS, _NO_PERIODS, period, unit)
        running = (
            _day(as_of) <= c.end if as_of is not None else latest is not None and latest <= c.end
        )
        if running:
            text = f"Training runs until {day_label(c.end)}; impact can be estimated after it."
            out.append(_none(no_data, None, text))
            continue
        if c.group not in usable:
            out.append(_none(no_data, None, f"No KPI data for {c.label}, so no impact estimate."))
            continue
        args: dict[str, Any] = {"cohort": c.cohort, "train_start": c.start, "train_end": c.end}
        args |= {"period": period, "unit": unit, "treated_label": c.label, "kpi_label": kpi_label}
        result = estimate_its(usable[c.group], **args)
        chosen = _comparison_for(c, usable, first, control_group)
        if chosen is not None:
            name, label = chosen
            comp = usable[name]
            if name in first:
                comp = split_windows(comp, first[name][0], first[name][0], period)[0]
            did = estimate_did(
                usable[c.group], comp, comparison_name=name, comparison_label=label, **args
            )
            if did.method == "did" or result.method == "none":
                result = did
            else:
                note = f"Too little data overlaps with {label} to use it as a comparison group."
                result = replace(result, caveats=(*result.caveats, note))
        out.append(_mixing_caveat(result, c, cohorts))
    return out


def _mixing_caveat(
    result: ImpactEstimate, c: CohortWindow, cohorts: Sequence[CohortWindow]
) -> ImpactEstimate:
    """Warn when another cohort of the same group trained inside the windows used."""
    if result.pre_window is None or result.post_window is None:
        return result
    first = result.pre_window[0]
    last = period_end(result.post_window[1], result.period).date()
    others = [
        f"{o.label} from {o.start}"
        for o in cohorts
        if o.group == c.group and o != c and o.start <= last and o.end >= first
    ]
    if not others:
        return result
    note = (
        f"Other cohorts of the same group trained within these windows ({', '.join(others)}): "
        "the group's KPI mixes their effects."
    )
    return replace(result, caveats=(*result.caveats, note))


# --- the headline --------------------------------------------------------------------------


def _combined_interval(
    parts: Sequence[tuple[float, float, float, frozenset[str]]],
) -> tuple[float, float, float]:
    """(estimate, low, high) of Σ wᵢ·bᵢ from (wᵢ, bᵢ, half-widthᵢ, series used).

    Estimates that share a KPI series (a trained group or a comparison) are taken as
    perfectly correlated, the others as independent (common shocks cancel in each d_t):
    conservative where the cohorts share a comparison group, as staggered cohorts do.
    """
    est = sum(w * b for w, b, _, _ in parts)
    var = 0.0
    for w1, _, h1, s1 in parts:
        for w2, _, h2, s2 in parts:
            if s1 & s2:
                var += w1 * w2 * h1 * h2
    half = math.sqrt(var)
    return est, est - half, est + half


def headline_impact(
    impacts: Sequence[ImpactEstimate],
    *,
    sizes: Mapping[str, int | None],
    groups: Mapping[str, str],
    kpi_label: str | None = None,
) -> ImpactEstimate | None:
    """The estimate a leader sees first, chosen before looking at any result.

    Of the cohorts with an interval, those of the strongest design (difference-in-
    differences, else interrupted time series) are combined: their cohort-size-weighted
    average effect (equal weights when a size is missing), with a joint interval. One such
    cohort: its own estimate. Never the most significant cohort: picking the best of
    several noisy estimates would call a null programme effective far more often than 5%.
    ``groups`` maps each cohort id to its KPI group (estimates that share a series are
    correlated).
    """
    usable = [i for i in impacts if i.method in ("did", "its") and i.ci_low is not None]
    method: Method = "did" if any(i.method == "did" for i in usable) else "its"
    chosen = [i for i in usable if i.method == method]
    if len(chosen) <= 1:
        return chosen[0] if chosen else None
    known = [s for s in (sizes.get(i.cohort) for i in chosen) if s is not None and s > 0]
    raw = [float(s) for s in known] if len(known) == len(chosen) else [1.0] * len(chosen)
    weights = [w / sum(raw) for w in raw]

    def series(i: ImpactEstimate) -> frozenset[str]:
        return frozenset(x for x in (groups.get(i.cohort, i.cohort), i.comparison) if x)

    def combine(
        pick: Callable[[ImpactEstimate], tuple[float | None, float | None, float | None]],
    ) -> tuple[float, float, float] | None:
        parts = []
        for w, i in zip(weights, chosen, strict=True):
            b, lo, hi = pick(i)
            if b is None or lo is None or hi is None:
                return None
            parts.append((w, b, (hi - lo) / 2, series(i)))
        return _combined_interval(parts)

    main = combine(lambda i: (i.estimate, i.ci_low, i.ci_high))
    assert main is not None  # every chosen estimate has an interval
    est, lo, hi = main
    first = chosen[0]
    unit, period = first.unit, first.period
    weighting = "weighted by cohort size" if raw != [1.0] * len(chosen) else "equally weighted"
    tail = (
        " relative to the comparison groups after training"
        if method == "did"
        else " after training, compared with the earlier trends"
    )
    change, clear = _change_text(est, lo, hi, unit, tail)
    trend = combine(lambda i: (i.trend_estimate, i.trend_ci_low, i.trend_ci_high))
    evidence: Evidence
    if method == "its":
        evidence = "weak"
        verdict = (
            "weak evidence, as there is no comparison group"
            if clear
            else ("no clear effect, and weak evidence, as there is no comparison group")
        )
    elif not clear:
        evidence = "moderate"
        verdict = "no clear effect, since the interval includes zero"
    elif trend is None:
        evidence = "moderate"
        verdict = "moderate evidence; too few periods before training to allow for trends"
    elif not _clear(trend[1], trend[2]) or (trend[0] > 0) != (est > 0):
        evidence = "weak" if any(i.parallel_ok is False for i in chosen) else "moderate"
        verdict = (
            f"{evidence} evidence: allowing for differences in the groups' trends, the change "
            f"is unclear {_ci_text(trend[1], trend[2], False)}"
        )
    elif any(i.parallel_ok is False for i in chosen):
        evidence = "moderate"
        verdict = (
            "moderate evidence; a cohort's trend before training differed from its comparison's"
        )
    else:
        evidence = "strong"
        verdict = "strong evidence from comparison groups"
    label = kpi_label or "KPI"
    summary = f"Across {len(chosen)} cohorts ({weighting}), the {label} {change}: {verdict}."
    caveats = tuple(dict.fromkeys(c for i in chosen for c in i.caveats))
    return ImpactEstimate(
        method=method,
        cohort="all",
        comparison=None,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        p_value=None,
        n_pre=min(i.n_pre for i in chosen),
        n_post=min(i.n_post for i in chosen),
        pre_window=min(i.pre_window for i in chosen if i.pre_window),
        post_window=max(i.post_window for i in chosen if i.post_window),
        parallel_trend_p=None,
        parallel_ok=None if method == "its" else all(i.parallel_ok is not False for i in chosen),
        evidence=evidence,
        summary=summary,
        caveats=caveats,
        period=period,
        unit=unit,
        trend_estimate=None if trend is None else trend[0],
        trend_ci_low=None if trend is None else trend[1],
        trend_ci_high=None if trend is None else trend[2],
    )
