"""Reporting periods: KPI observations → one value per metric, group and period.

A period is a calendar month, a calendar quarter or an ISO week (Monday to Sunday);
it is named by its first day (a midnight ``pd.Timestamp``) and labelled ``2026-10``,
``2026-Q3`` or ``2026-W41``. The aggregation itself is the data stage's
(:func:`generator.data.aggregate.aggregate_kpis`), so files and SQL push-down give the
same numbers; this module renames its output and reads series out of it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..dates import (
    _check,
    _ts,
    as_date,
    first_day,
    last_day,
    period_label,
)

PERIOD_COLUMNS = ("metric", "group", "period", "value", "n")
"""Columns of a period table, in order."""


def empty_periods() -> pd.DataFrame:
    """A period table with no rows and the right dtypes."""
    return pd.DataFrame(
        {
            "metric": pd.Series([], dtype="str"),
            "group": pd.Series([], dtype="str"),
            "period": pd.Series([], dtype="datetime64[ns]"),
            "value": pd.Series([], dtype="float64"),
            "n": pd.Series([], dtype="int64"),
        }
    )


def to_periods(
    kpis: pd.DataFrame, period: str, agg_by_metric: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One row per metric, group and period: ``metric, group, period, value, n``.

    ``value`` is the mean (default) or the sum (``agg_by_metric[metric] == "sum"``) of
    the observations in the period; ``n`` counts them. Input already aggregated (with
    an ``n`` column, as a SQL source delivers it) re-aggregates correctly: means are
    weighted by ``n``. Sorted by metric, group and period.
    """
    from ..data.aggregate import aggregate_kpis

    _check(period)
    if kpis.empty:
        return empty_periods()
    out = aggregate_kpis(kpis, dict(agg_by_metric or {}), period)
    out = out.rename(columns={"date": "period"})
    return out[list(PERIOD_COLUMNS)].reset_index(drop=True)


def _empty_series() -> pd.Series:
    return pd.Series([], dtype="float64", index=pd.DatetimeIndex([], dtype="datetime64[ns]"))


def _as_series(rows: pd.DataFrame, group: str) -> pd.Series:
    if rows.empty:
        return _empty_series()
    out = pd.Series(
        rows["value"].to_numpy(dtype="float64"),
        index=pd.DatetimeIndex(rows["period"]),
        name=group,
    )
    return out.sort_index()


def series(periods_df: pd.DataFrame, metric: str, group: str) -> pd.Series:
    """The values of one metric and group, indexed by period start (sorted)."""
    rows = periods_df[(periods_df["metric"] == metric) & (periods_df["group"] == group)]
    return _as_series(rows, group)


@dataclass(frozen=True)
class PeriodLookup:
    """A period table indexed once by metric and by (metric, group), for callers that
    look up many series (``analyse_site``, ``take_snapshots``): masking the whole table
    per look-up cost about half a millisecond each. Rows are taken only when asked for,
    so a rebuild that analyses one goal does not pay for every series of a large site.
    Build it with :func:`split_periods`."""

    table: pd.DataFrame
    metric_positions: Mapping[str, Any]
    """Row positions of each metric in ``table`` (in table order)."""
    group_positions: Mapping[tuple[str, str], Any]
    """Row positions of each (metric, group) in ``table`` (in table order)."""
    period_values: np.ndarray | None = None
    """``table["period"]`` as datetime64 values: a series is a slice, not a row look-up."""
    values: np.ndarray | None = None
    """``table["value"]`` as float64."""
    _made: dict[tuple[str, str], pd.Series] = field(default_factory=dict, compare=False)
    """Series already made (reviews ask for the same groups on every review day). They
    are shared: callers cut them (``until``, ``iloc``) and never change them."""

    def metric_rows(self, metric: str) -> pd.DataFrame:
        """The rows of ``metric`` (none when it has no data)."""
        found = self.metric_positions.get(metric)
        return self.table.iloc[0:0] if found is None else self.table.iloc[found]

    def group_series(self, metric: str, group: str) -> pd.Series:
        """``series(table, metric, group)``."""
        made = self._made.get((metric, group))
        if made is None:
            made = self._made[(metric, group)] = self._group_series(metric, group)
        return made

    def _group_series(self, metric: str, group: str) -> pd.Series:
        found = self.group_positions.get((metric, group))
        if found is None or len(found) == 0:
            return _empty_series()
        if self.period_values is None or self.values is None:
            return _as_series(self.table.iloc[found], group)
        # what _as_series makes of the rows, from the arrays (DatetimeIndex named "period")
        out = pd.Series(
            self.values[found],
            index=pd.DatetimeIndex(self.period_values[found], name="period"),
            name=group,
        )
        return out if out.index.is_monotonic_increasing else out.sort_index()

    def goal_series(self, metric: str, group: str = "", agg: str = "mean") -> pd.Series:
        """``goal_series(table, metric, group, agg)``."""
        own = self.group_series(metric, group)
        if not own.empty or group != "":
            return own
        return goal_series(self.metric_rows(metric), metric, group, agg)  # groups combined


def split_periods(periods_df: pd.DataFrame) -> PeriodLookup:
    """``periods_df`` (a ``to_periods`` table) as a :class:`PeriodLookup`."""
    return PeriodLookup(
        table=periods_df,
        metric_positions=periods_df.groupby("metric", sort=False).indices,
        group_positions=periods_df.groupby(["metric", "group"], sort=False).indices,
        period_values=_datetimes(periods_df["period"]),
        values=periods_df["value"].to_numpy(dtype="float64"),
    )


def _datetimes(column: pd.Series) -> np.ndarray | None:
    """The column's datetime64 values in their own unit; None for anything else (then
    series are taken row by row, as before)."""
    values = column.to_numpy()
    return values if values.dtype.kind == "M" else None


def goal_series(
    periods_df: pd.DataFrame, metric: str, group: str = "", agg: str = "mean"
) -> pd.Series:
    """A goal's own series: the rows of ``group`` ("" = whole organisation).

    When the organisation has no rows of its own but groups do, the groups are
    combined per period: their sum for a ``sum`` metric, else the mean of all their
    observations (each group weighted by its ``n``).
    """
    own = series(periods_df, metric, group)
    if not own.empty or group != "":
        return own
    rows = periods_df[periods_df["metric"] == metric]
    if rows.empty:
        return own
    if agg == "sum":
        combined = rows.groupby("period", sort=True)["value"].sum()
    else:
        weight = rows["n"].astype("float64").clip(lower=1.0)
        frame = pd.DataFrame({"period": rows["period"], "wv": rows["value"] * weight, "w": weight})
        sums = frame.groupby("period", sort=True)[["wv", "w"]].sum()
        combined = sums["wv"] / sums["w"]
    return pd.Series(
        combined.to_numpy(dtype=np.float64),
        index=pd.DatetimeIndex(combined.index),
        name=group,
    )


def until(s: pd.Series, as_of: Any, period: str) -> pd.Series:
    """``s`` without the periods that start after the period holding ``as_of``."""
    if s.empty:
        return s
    return s.iloc[: until_position(s, as_of, period)]


def until_position(s: pd.Series, as_of: Any, period: str) -> int:
    """How many periods of ``s`` :func:`until` keeps."""
    if s.empty:
        return 0
    # The index is sorted (as ``series`` and ``goal_series`` return it): cut at the end.
    first = np.datetime64(first_day(as_of, period), "ns")
    return int(s.index.to_numpy().searchsorted(first, side="right"))


AVERAGE_DAYS: Mapping[str, float] = {"week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4}
"""The average length of a period in days."""


def _observed(kpis: pd.DataFrame, period: str) -> pd.DataFrame:
    """``Dataset.observed`` (metric, last, cadence), or the same worked out from raw rows."""
    if "cadence" in kpis.columns:
        return kpis
    from ..data.aggregate import observed, period_spans

    rows = kpis if "group" in kpis.columns else kpis.assign(group="")
    rows = rows.assign(date=pd.to_datetime(rows["date"])).dropna(subset=["date"])
    return observed(period_spans(rows, period), period)


def cadences(kpis: pd.DataFrame, period: str = "month") -> dict[str, int]:
    """Per metric, how many days one observation stands for (1 = daily, 7 = weekly, a
    month's length for one figure a month): ``data.aggregate.observed``, from
    ``Dataset.observed`` or from raw KPI rows."""
    seen = _observed(kpis, period)
    return dict(zip(seen["metric"].astype(str), seen["cadence"].astype(int), strict=True))


def complete_through(kpis: pd.DataFrame, period: str = "month") -> dict[str, dt.date]:
    """Per metric, the last day its observations cover: the latest observation day plus
    the metric's cadence (:func:`cadences`) less one day.

    A metric observed daily up to 23 November covers 23 November, so November is still
    open; one observed on the first of each month (one figure a month) covers the whole
    month its latest figure is for. Files and SQL give the same (``Dataset.observed``).
    """
    seen = _observed(kpis, period)
    return {
        str(m): as_date(last) + dt.timedelta(days=int(c) - 1)
        for m, last, c in zip(seen["metric"], seen["last"], seen["cadence"], strict=True)
    }


def per_average_period(
    periods_df: pd.DataFrame,
    agg_by_metric: Mapping[str, str],
    cadence: Mapping[str, int],
    period: str,
) -> pd.DataFrame:
    """A summed KPI as what an average period would hold: the mean per observation × the
    observations an average period has (its length ÷ the metric's cadence).

    A plain sum moves with the calendar: weekly counts summed by month are 25% higher in a
    five-Monday month than in a four-Monday one, and a month with data for half its days
    reads as a collapse. A metric observed once a period or less often is left as it is.
    """
    summed = [m for m, how in agg_by_metric.items() if how == "sum" and m in cadence]
    length = AVERAGE_DAYS[period]
    factors = {m: length / cadence[m] for m in summed if cadence[m] < length * 0.9}
    if not factors or periods_df.empty:
        return periods_df
    factor = periods_df["metric"].map(factors)
    scale = factor.notna().to_numpy()
    if not scale.any():
        return periods_df
    out = periods_df.copy()
    n = out["n"].to_numpy(dtype="float64")
    values = out["value"].to_numpy(dtype="float64")
    out["value"] = np.where(
        scale, values / np.maximum(n, 1.0) * factor.fillna(1.0).to_numpy(), values
    )
    return out


def complete_only(s: pd.Series, through: dt.date | None, period: str) -> pd.Series:
    """``s`` without its trailing periods that end after ``through`` (still open)."""
    keep = complete_position(s, len(s), through, period)
    return s if keep == len(s) else s.iloc[:keep]


def complete_position(s: pd.Series, end: int, through: dt.date | None, period: str) -> int:
    """How many of the first ``end`` periods of ``s`` :func:`complete_only` keeps."""
    keep = end
    if through is None:
        return keep
    while keep and last_day(s.index[keep - 1], period) > through:
        keep -= 1
    return keep


def open_period_label(ts: Any, period: str) -> str:
    """``November so far``, ``Week 47 so far``, ``2026-Q4 so far``: a period still open."""
    t = _ts(ts)
    if period == "month":
        return f"{calendar.month_name[t.month]} so far"
    if period == "week":
        return f"Week {t.isocalendar()[1]} so far"
    return f"{period_label(t, period)} so far"
