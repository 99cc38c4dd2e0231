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
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ValueWarning

from .periods import last_day, period_end, period_index
from .wording import day_label, id_words, p_text

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
    if (
        s.dtype == np.float64
        and isinstance(index, pd.DatetimeIndex)
        and index.is_monotonic_increasing
        and index.is_unique
        and not s.hasnans
    ):
        return s  # already clean, as the series of a period table are
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
    days = s.index.date  # each period's first day, as a datetime.date
    ends = np.array([last_day(d, period) < start for d in days], dtype=bool)
    starts = np.array([d > end for d in days], dtype=bool)
    return s[ends], s[starts]


def _window(idx: pd.Index) -> tuple[dt.date, dt.date] | None:
    return (_day(idx[0]), _day(idx[-1])) if len(idx) else None


@dataclass(frozen=True)
class _Fit:
    """An OLS fit and the names of its coefficients, in the design's column order."""

    result: Any
    """statsmodels ``RegressionResults`` on plain arrays."""
    names: list[str]
    """``Intercept`` and the named columns."""


def _fit(y: Any, columns: Mapping[str, Any], robust: bool) -> _Fit:
    """OLS of ``y`` on an intercept and the named ``columns``, rows with a missing value
    dropped; small samples and exact fits make statsmodels warn: expected here.

    The design is built as arrays rather than from a formula: patsy's formula parsing
    took over 90% of each fit (13 ms of 14), and every goal fits several per build. Plain
    arrays rather than a DataFrame, too: statsmodels' pandas wrapping of the design and
    of every result took most of what was left. Rows with a missing value are dropped
    before the design is built, and it is column-major as a DataFrame's values are: the
    fit sees the very arrays ``missing="drop"`` on a DataFrame gave it, to the last bit.
    """
    names = ["Intercept", *columns]
    values = [np.ones(len(y)), *(np.asarray(c, dtype=float) for c in columns.values())]
    endog = np.asarray(y, dtype=float)
    keep = ~(np.isnan(endog) | np.isnan(np.array(values)).any(axis=0))
    design = np.array([v[keep] for v in values]).T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", ValueWarning)
        model = sm.OLS(endog[keep], design)
        result = model.fit(cov_type="HC1", use_t=True) if robust else model.fit()
    return _Fit(result, names)


def _dummies(levels: Any, prefix: str) -> dict[str, Any]:
    """Treatment-coded indicators of ``levels``, the first (sorted) level as reference:
    what a formula's ``C(x)`` gives."""
    values = np.asarray(levels)
    return {f"{prefix}[{v}]": (values == v).astype(float) for v in np.unique(values)[1:]}


def _term(fit: _Fit, name: str) -> tuple[float, float, float, float | None]:
    """Coefficient, 95% CI and p-value (None when undefined, e.g. an exact fit)."""
    i = fit.names.index(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = (float(x) for x in fit.result.conf_int(0.05)[i])
        est, p = float(fit.result.params[i]), float(fit.result.pvalues[i])
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo = hi = est
    tiny = _TINY * max(1.0, float(np.abs(fit.result.model.endog).max()))
    est, lo, hi = (0.0 if abs(x) < tiny else x for x in (est, lo, hi))
    return est, lo, hi, (p if math.isfinite(p) else None)


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

    Only periods both series have count. The panel is fitted as
    ``y ~ treated + C(period) + treated:post`` (OLS, HC1 errors, t intervals); the effect
    is the ``treated:post`` coefficient. The parallel-trend check fits
    ``y ~ t * treated`` on the pre window (classical errors: with so few periods HC1
    would flag too often) and reads the p-value of ``t:treated``.
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
    periods = pre.append(post)
    t = np.array([period_index(ts, period) for ts in periods], dtype=float)
    is_post = np.r_[np.zeros(len(pre)), np.ones(len(post))]
    panel = {  # the treated group's periods, then the comparison's: one array per column
        "y": np.r_[
            pd.concat([t_pre, t_post]).reindex(periods),
            pd.concat([c_pre, c_post]).reindex(periods),
        ],
        "treated": np.r_[np.ones(len(t)), np.zeros(len(t))],
        "post": np.r_[is_post, is_post],
        "period": np.r_[t, t].astype(int),
        "t": np.r_[t, t] - t[0],
    }
    treated_post = panel["treated"] * panel["post"]
    fit = _fit(
        panel["y"],
        {
            "treated": panel["treated"],
            **_dummies(panel["period"], "period"),
            "treated:post": treated_post,
        },
        robust=True,
    )
    est, lo, hi, p = _term(fit, "treated:post")
    trend_p: float | None = None
    if len(pre) >= 3:
        before = {name: column[panel["post"] == 0] for name, column in panel.items()}
        pre_fit = _fit(
            before["y"],
            {
                "t": before["t"],
                "treated": before["treated"],
                "t:treated": before["t"] * before["treated"],
            },
            robust=False,
        )
        trend_p = _term(pre_fit, "t:treated")[3]
    parallel = None if trend_p is None else trend_p >= PARALLEL_ALPHA
    if trend_p is not None and not parallel:
        caveat = (
            f"Pre-training trends were not parallel ({p_text(trend_p)}): "
            "the estimate may be biased."
        )
    elif len(pre) < 3:
        caveat = "Too few periods before training to check that the groups moved in parallel."
    else:
        caveat = "" if parallel else "Whether the groups moved in parallel could not be checked."
    tail = f" relative to {_possessive(name_c)} after training"
    change, clear = _change_text(est, lo, hi, unit, tail)
    evidence: Evidence = "strong" if clear and parallel is not False else "moderate"
    if not clear:
        verdict = "no clear effect, since the interval includes zero (a comparison-group design)."
    elif parallel is False:
        verdict = "moderate evidence from a comparison group, whose trend before training differed."
    else:
        verdict = f"{evidence} evidence from a comparison group."
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
        caveats=(caveat,) if caveat else (),
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

    Segmented OLS ``y ~ t + post + t_post`` on the periods outside training, where ``t``
    counts periods and ``t_post`` counts them from the first post period (0 before): the
    ``post`` coefficient is the jump between the projected pre-trend and the data at the
    first post period. A clear slope change is reported as a caveat. Evidence is at most
    "weak": without a comparison group nothing rules out other causes.
    """
    pre_s, post_s = split_windows(treated, train_start, train_end, period)
    core = _core(cohort, pre_s.index, post_s.index, period, unit)
    if len(pre_s) < min_pre or len(post_s) < min_post:
        missing = _too_little(len(pre_s), len(post_s), min_pre, min_post, period)
        return _none(core, None, f"Too little data to tell: {missing}")
    s = pd.concat([pre_s, post_s])
    t = np.array([period_index(ts, period) for ts in s.index], dtype=float)
    is_post = np.r_[np.zeros(len(pre_s)), np.ones(len(post_s))]
    t_post = (t - t[len(pre_s)]) * is_post
    fit = _fit(s.to_numpy(), {"t": t - t[0], "post": is_post, "t_post": t_post}, robust=False)
    est, lo, hi, p = _term(fit, "post")
    caveats = [
        "No comparison group: this is a before/after change adjusted for the earlier trend, "
        "and other changes at the same time could explain it."
    ]
    slope, s_lo, s_hi, _ = _term(fit, "t_post")
    if len(post_s) >= 3 and (s_lo > 0 or s_hi < 0):
        amount = with_unit(_signed(slope), unit)
        caveats.append(
            f"The trend also changed after training, by {amount} per {period} "
            f"{_ci_text(s_lo, s_hi, False)}."
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
            f"{_possessive(treated_label or cohort)} {kpi_label or 'KPI'} {change}: "
            f"{verdict}, as there is no comparison group."
        ),
        caveats=tuple(caveats),
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
) -> float | None:
    """The smallest effect the planned design could detect, before any post data exist.

    σ is the residual SD of the pre series after removing group means and one linear
    trend (``y ~ C(group) + t``, pooled over both groups; ``y ~ t`` without a
    comparison). SE ≈ σ·√2·√(1/n_pre + 1/n_post) for a DiD (σ·√(1/n_pre + 1/n_post)
    without a comparison) and MDE = (z₁₋α/₂ + z_power)·SE. ``group_sizes`` is an
    assumption only: the KPI series are already group means, so it does not enter the
    formula. None with fewer than 3 pre periods (per group).
    """
    if n_post < 1 or not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("need n_post >= 1 and alpha, power between 0 and 1")
    if group_sizes is not None and min(group_sizes) < 1:
        raise ValueError("group sizes must be positive")
    groups = {"treated": _clean(treated_pre)}
    if comparison_pre is not None:
        comp = _clean(comparison_pre)
        common = groups["treated"].index.intersection(comp.index)
        groups = {"treated": groups["treated"][common], "comparison": comp[common]}
    n_pre = len(groups["treated"])
    if n_pre < 3:
        return None
    frame = pd.concat(
        pd.DataFrame({"y": s.to_numpy(), "group": name, "t": (s.index - s.index[0]).days})
        for name, s in groups.items()
    )
    frame = frame.reset_index(drop=True)
    columns = {**_dummies(frame["group"], "group"), "t": frame["t"].to_numpy(dtype=float)}
    sigma = math.sqrt(max(float(_fit(frame["y"], columns, robust=False).result.scale), 0.0))
    if sigma < _TINY * max(1.0, float(frame["y"].abs().max())):
        sigma = 0.0
    se = sigma * math.sqrt(len(groups)) * math.sqrt(1 / n_pre + 1 / n_post)
    return float((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * se)


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
        no_data = _core(c.cohort, pd.Index([]), pd.Index([]), period, unit)
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
