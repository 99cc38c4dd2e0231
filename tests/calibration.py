"""Generated KPI panels with the truth planted, and the coverage of goalpath's intervals.

Each scenario draws many panels as a KPI export would hold them: observations per
group (weekly or daily), a season and shocks common to every group, each group's own
autocorrelated noise, and a planted effect on the trained group after training. The
observations are averaged to reporting periods as the site does, and estimated by the
site's own functions. The figures are what the calibration tests assert and what
``benchmarks/calibration.py`` prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from generator.analysis.impact import (
    CohortWindow,
    ImpactEstimate,
    estimate_cohorts,
    estimate_did,
    estimate_its,
    headline_impact,
)
from generator.analysis.periods import AVERAGE_DAYS, per_average_period

START = dt.date(2025, 1, 6)  # a Monday


@dataclass(frozen=True)
class Scenario:
    """One kind of panel: how the noise behaves and where training falls."""

    name: str
    rho: float = 0.0
    """AR(1) coefficient of each group's noise, per observation."""
    cadence: str = "week"
    """How often a group is observed: day or week."""
    period: str = "month"
    """The reporting period the estimate uses."""
    pre_periods: int = 12
    """Months (or weeks) of data before training starts."""
    train_periods: int = 2
    """Reporting periods the training takes."""
    post_periods: int = 6
    """Reporting periods after training."""
    effect: float = 0.5
    """Planted effect on the trained group after training (KPI units)."""
    comparison: bool = True
    """False: interrupted time series on the trained group alone."""
    pre_trend: float = 0.0
    """Extra slope of the trained group per reporting period (a diverging pre-trend)."""
    extra_noise: float = 0.0
    """SD of white noise added to every observation (measurement noise)."""
    sd: float = 1.0
    """SD of each group's AR(1) innovations, scaled so the stationary SD is ``sd``."""
    season: float = 0.8
    """Amplitude of a yearly season common to every group (cancels in a DiD)."""
    agg: str = "mean"
    """sum: weekly counts summed per period (the trained group twice the comparison's
    size), read per average period as the site reads a summed KPI."""


@dataclass
class Outcome:
    """What the estimates did over the draws of one scenario."""

    covered: list[bool] = field(default_factory=list)
    significant: list[bool] = field(default_factory=list)
    strong: list[bool] = field(default_factory=list)
    warned: list[bool] = field(default_factory=list)
    """Zero effect: no clear effect claimed, or claimed with less than strong evidence,
    whose sentence says why (a trend, a failed check, too short a window)."""
    """Zero effect: no clear effect claimed, or claimed with less than strong evidence
    (the sentence then says a trend or the design could explain it)."""
    missing: int = 0

    @property
    def coverage(self) -> float:
        return float(np.mean(self.covered)) if self.covered else float("nan")

    @property
    def rejection(self) -> float:
        return float(np.mean(self.significant)) if self.significant else float("nan")


def _ar1(rng: np.random.Generator, shape: tuple[int, int], rho: float) -> np.ndarray:
    """Stationary AR(1) noise along axis 1, stationary SD 1."""
    e = rng.standard_normal(shape)
    out = np.empty(shape)
    out[:, 0] = e[:, 0]
    scale = np.sqrt(1 - rho**2)
    for i in range(1, shape[1]):
        out[:, i] = rho * out[:, i - 1] + scale * e[:, i]
    return out


def _days(sc: Scenario) -> tuple[pd.DatetimeIndex, dt.date, dt.date]:
    """Observation dates, training start and end."""
    months = sc.pre_periods + sc.train_periods + sc.post_periods
    if sc.period == "week":
        train_start = START + dt.timedelta(weeks=sc.pre_periods)
        train_end = train_start + dt.timedelta(weeks=sc.train_periods) - dt.timedelta(days=1)
        end = START + dt.timedelta(weeks=months) - dt.timedelta(days=1)
    else:
        first = pd.Timestamp(START.year, START.month, 1)
        train_start = (first + pd.DateOffset(months=sc.pre_periods)).date()
        train_end = (
            first + pd.DateOffset(months=sc.pre_periods + sc.train_periods) - pd.Timedelta(days=1)
        ).date()
        end = (first + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
    freq = "D" if sc.cadence == "day" else "7D"
    return pd.date_range(START, end, freq=freq), train_start, train_end


def _period_means(
    values: np.ndarray, dates: pd.DatetimeIndex, period: str, agg: str = "mean"
) -> pd.DataFrame:
    """Columns = groups' series per period start, as the site's period table holds them:
    means, or sums read per average period (``periods.per_average_period``)."""
    code = "W-SUN" if period == "week" else "M"
    starts = dates.to_period(code).start_time
    frame = pd.DataFrame(values.T, index=starts)
    if agg == "mean":
        return frame.groupby(level=0).mean()
    cadence = int(np.median(np.diff(dates.to_numpy(dtype="datetime64[D]")).astype(int)))
    sums, counts = frame.groupby(level=0).sum(), frame.groupby(level=0).count()
    out = {}
    for col in frame.columns:
        table = pd.DataFrame(
            {
                "metric": "m",
                "group": str(col),
                "period": sums.index,
                "value": sums[col].to_numpy(),
                "n": counts[col].to_numpy(),
            }
        )
        read = per_average_period(table, {"m": "sum"}, {"m": cadence}, period)
        out[col] = pd.Series(read["value"].to_numpy(), index=sums.index)
    return pd.DataFrame(out)


def draw_panel(
    sc: Scenario, rng: np.random.Generator, groups: int = 2
) -> tuple[pd.DataFrame, dt.date, dt.date]:
    """One panel: period means per group (column 0 trained), training start and end."""
    dates, train_start, train_end = _days(sc)
    n = len(dates)
    t_years = (dates - dates[0]).days.to_numpy() / 365.25
    common = sc.season * np.sin(2 * np.pi * t_years) + 0.5 * _ar1(rng, (1, n), 0.8)[0]
    noise = sc.sd * _ar1(rng, (groups, n), sc.rho)
    if sc.extra_noise:
        noise += sc.extra_noise * rng.standard_normal((groups, n))
    values = 10 + common[None, :] + noise
    if sc.agg == "sum":  # counts: the trained group twice the comparison's size
        size = np.array([2.0, 1.0] + [1.0] * (groups - 2))[:, None]
        values = np.maximum(0.0, 20 * size + 3 * np.sqrt(size) * noise + 2 * common[None, :])
    after = np.asarray(dates > pd.Timestamp(train_end))
    values[0] += sc.effect * after
    if sc.pre_trend:
        per_period = 30.44 if sc.period == "month" else 7.0
        values[0] += sc.pre_trend * (dates - dates[0]).days.to_numpy() / per_period
    return _period_means(values, dates, sc.period, sc.agg), train_start, train_end


def estimate_once(sc: Scenario, rng: np.random.Generator) -> ImpactEstimate:
    """The site's estimate on one drawn panel."""
    panel, start, end = draw_panel(sc, rng)
    args = {"cohort": "trained", "train_start": start, "train_end": end, "period": sc.period}
    if sc.comparison:
        return estimate_did(panel[0], panel[1], comparison_name="comparison", **args)
    return estimate_its(panel[0], **args)


def run(sc: Scenario, draws: int, seed: int = 1) -> Outcome:
    """Coverage of the planted effect, and how often a zero effect looks significant."""
    rng = np.random.default_rng(seed)
    out = Outcome()
    null = Scenario(**{**sc.__dict__, "effect": 0.0})
    for _ in range(draws):
        est = estimate_once(sc, rng)
        if est.ci_low is None or est.ci_high is None:
            out.missing += 1
            continue
        truth = sc.effect * (AVERAGE_DAYS[sc.period] / 7 if sc.agg == "sum" else 1.0)
        out.covered.append(est.ci_low <= truth <= est.ci_high)
        zero = estimate_once(null, rng)
        if zero.ci_low is not None and zero.ci_high is not None:
            claimed = zero.ci_low > 0 or zero.ci_high < 0
            out.significant.append(claimed)
            out.strong.append(claimed and zero.evidence == "strong")
            out.warned.append(not claimed or zero.evidence != "strong")
    return out


def headline_false_positives(draws: int, seed: int = 2, rho: float = 0.3) -> tuple[float, float]:
    """Three staggered cohorts (each its own group, one control), no effect anywhere:
    how often the headline, and how often the best of the three, claims an effect."""
    rng = np.random.default_rng(seed)
    sc = Scenario("three null cohorts", rho=rho, pre_periods=8, train_periods=2, post_periods=12)
    dates, _, _ = _days(sc)
    first = pd.Timestamp(START.year, START.month, 1)
    windows = []
    for i, label in enumerate("ABC"):
        begin = (first + pd.DateOffset(months=sc.pre_periods + 2 * i)).date()
        finish = first + pd.DateOffset(months=sc.pre_periods + 2 * i + 2) - pd.Timedelta(days=1)
        windows.append(CohortWindow(label, f"Cohort {label}", label, begin, finish.date()))
    headline_hits, best_hits = 0, 0
    for _ in range(draws):
        values = _draw_groups(sc, rng, dates, 4)
        panel = _period_means(values, dates, sc.period)
        series = {g: panel[i] for i, g in enumerate(["A", "B", "C", "control"])}
        estimates = estimate_cohorts(series, windows, control_group="control", period=sc.period)
        head = headline_impact(
            estimates,
            sizes={"A": 20, "B": 25, "C": 15},
            groups={w.cohort: w.group for w in windows},
        )
        headline_hits += head is not None and _claims(head)
        best_hits += any(_claims(e) for e in estimates if e.ci_low is not None)
    return headline_hits / draws, best_hits / draws


def staggered_coverage(draws: int, seed: int = 3, rho: float = 0.6) -> Outcome:
    """Two cohorts in two groups, B training eight months after A, no control group:
    A's estimate uses B (cut before B starts) as its comparison. Coverage of A's effect,
    and false positives when there is none."""
    rng = np.random.default_rng(seed)
    sc = Scenario("staggered", rho=rho, pre_periods=8, train_periods=2, post_periods=14)
    dates, _, _ = _days(sc)
    first = pd.Timestamp(START.year, START.month, 1)

    def window(cohort: str, month: int) -> CohortWindow:
        begin = first + pd.DateOffset(months=month)
        finish = first + pd.DateOffset(months=month + 2) - pd.Timedelta(days=1)
        return CohortWindow(cohort, f"Cohort {cohort}", cohort, begin.date(), finish.date())

    windows = [window("A", 8), window("B", 16)]
    out = Outcome()
    for effect in (0.5, 0.0):
        for _ in range(draws):
            values = _draw_groups(sc, rng, dates, 2)
            for i, w in enumerate(windows):
                values[i] += effect * np.asarray(dates > pd.Timestamp(w.end))
            panel = _period_means(values, dates, sc.period)
            series = {"A": panel[0], "B": panel[1]}
            est = estimate_cohorts(series, windows, control_group=None, period=sc.period)[0]
            if est.ci_low is None or est.ci_high is None:
                out.missing += 1
            elif effect:
                out.covered.append(est.ci_low <= effect <= est.ci_high)
            else:
                out.significant.append(_claims(est))
    return out


def _claims(est: ImpactEstimate) -> bool:
    return (
        est.ci_low is not None and est.ci_high is not None and (est.ci_low > 0 or est.ci_high < 0)
    )


def _draw_groups(
    sc: Scenario, rng: np.random.Generator, dates: pd.DatetimeIndex, groups: int
) -> np.ndarray:
    n = len(dates)
    t_years = (dates - dates[0]).days.to_numpy() / 365.25
    common = sc.season * np.sin(2 * np.pi * t_years) + 0.5 * _ar1(rng, (1, n), 0.8)[0]
    return 10 + common[None, :] + sc.sd * _ar1(rng, (groups, n), sc.rho)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("weekly iid, monthly periods"),
    Scenario("weekly AR(1) 0.3", rho=0.3),
    Scenario("weekly AR(1) 0.6", rho=0.6),
    Scenario("weekly AR(1) 0.9", rho=0.9),
    Scenario("ITS, weekly AR(1) 0.6", rho=0.6, comparison=False, season=0.0),
    Scenario("iid, 17 months before / 3 after", pre_periods=17, post_periods=3, train_periods=1),
    Scenario("AR(1) 0.6, 12 before / 3 after", rho=0.6, pre_periods=12, post_periods=3),
    Scenario("daily AR(1) 0.9 + noise, monthly periods", rho=0.9, cadence="day", extra_noise=1.0),
    Scenario(
        "daily AR(1) 0.9 + noise, weekly periods",
        rho=0.9,
        cadence="day",
        extra_noise=1.0,
        period="week",
        pre_periods=40,
        train_periods=4,
        post_periods=20,
    ),
)
"""The scenarios whose coverage must be 93–97% and false positives at most 6%."""

SCENARIOS = (
    *SCENARIOS,
    Scenario("summed weekly counts, groups of unequal size", rho=0.3, agg="sum", effect=3.0),
)

DIVERGING = Scenario("diverging pre-trends, no effect", rho=0.3, effect=0.0, pre_trend=0.08)
"""Zero effect, the trained group drifting away: the claim must be warned or withheld."""
