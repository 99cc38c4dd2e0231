"""KPI observations → one value per metric, group and period, the same way SQL does it.

The SQL push-down in ``sql.py`` and this pandas version agree on what a period is
(calendar month, calendar quarter, ISO week starting Monday) and on how values
combine (mean or sum per metric), so a site gives the same numbers from files or
from a database.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .schema import AGGREGATED_KPI_COLUMNS, DATE_DTYPE, TEXT_DTYPE

PERIOD_CODES = {"week": "W-SUN", "month": "M", "quarter": "Q-DEC"}
"""pandas period codes; weeks end on Sunday, so they start on Monday (ISO)."""


def period_start(dates: pd.Series, period: str) -> pd.Series:
    """The first day of the week, month or quarter each date falls in."""
    if period not in PERIOD_CODES:
        raise ValueError(f"unknown period {period!r}: use week, month or quarter")
    if dates.empty:
        return dates.astype(DATE_DTYPE)
    return dates.dt.to_period(PERIOD_CODES[period]).dt.start_time.astype(DATE_DTYPE)


def aggregate_kpis(
    kpis: pd.DataFrame, agg: Mapping[str, str] | None = None, period: str = "month"
) -> pd.DataFrame:
    """Mean (default) or sum per metric, group and period start, with ``n`` observations.

    ``kpis`` has the columns of the loaded KPI frame; the result has ``date`` (period
    start), ``metric``, ``value``, ``group`` and ``n``, sorted by metric, group and date.
    Already aggregated input (with ``n``, e.g. from SQL) is fine: means are weighted by
    ``n``, so months re-aggregate into the same quarters as the raw rows would.
    """
    agg = agg or {}
    if kpis.empty:
        return pd.DataFrame(
            {
                "date": pd.Series([], dtype=DATE_DTYPE),
                "metric": pd.Series([], dtype=TEXT_DTYPE),
                "value": pd.Series([], dtype="float64"),
                "group": pd.Series([], dtype=TEXT_DTYPE),
                "n": pd.Series([], dtype="int64"),
            }
        )
    weight = kpis["n"].astype("int64") if "n" in kpis else pd.Series(1, index=kpis.index)
    frame = pd.DataFrame(
        {
            "date": period_start(kpis["date"], period),
            "metric": kpis["metric"],
            "group": kpis["group"],
            "sum": kpis["value"],
            "weighted": kpis["value"] * weight,
            "n": weight,
        }
    )
    stats = frame.groupby(["metric", "group", "date"], sort=True)[["sum", "weighted", "n"]].sum()
    stats = stats.reset_index()
    summed = stats["metric"].map(lambda m: agg.get(m, "mean") == "sum").to_numpy(dtype=bool)
    mean = stats["weighted"] / stats["n"]
    out = pd.DataFrame(
        {
            "date": stats["date"].astype(DATE_DTYPE),
            "metric": stats["metric"].astype(TEXT_DTYPE),
            "value": np.where(summed, stats["sum"], mean).astype("float64"),
            "group": stats["group"].astype(TEXT_DTYPE),
            "n": stats["n"].astype("int64"),
        }
    )
    return out[list(AGGREGATED_KPI_COLUMNS)].reset_index(drop=True)


def period_spans(kpis: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per metric, group and period: the first and last observation day and the number of
    distinct days observed (``first``, ``last``, ``days``), from raw KPI rows.

    The SQL push-down computes the same columns with ``MIN``, ``MAX`` and
    ``COUNT(DISTINCT …)``, so files and databases give one report date and one cadence.
    """
    if kpis.empty:
        return _empty_spans()
    day = kpis["date"].dt.normalize()
    frame = pd.DataFrame(
        {
            "metric": kpis["metric"],
            "group": kpis["group"],
            "date": period_start(day, period),
            "day": day,
        }
    )
    spans = frame.groupby(["metric", "group", "date"], sort=True)["day"].agg(
        first="min", last="max", days="nunique"
    )
    return spans.reset_index().astype({"days": "int64"})


def _empty_spans() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric": pd.Series([], dtype=TEXT_DTYPE),
            "group": pd.Series([], dtype=TEXT_DTYPE),
            "date": pd.Series([], dtype=DATE_DTYPE),
            "first": pd.Series([], dtype=DATE_DTYPE),
            "last": pd.Series([], dtype=DATE_DTYPE),
            "days": pd.Series([], dtype="int64"),
        }
    )


def observed(spans: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per metric: ``last``, its latest observation day, and ``cadence``, how many days one
    observation stands for: the median over periods and groups of the mean gap between
    the period's observation days (a period with one day: the period's length).

    Daily data give 1, weekly 7; one figure a month gives the month's length, so that
    figure covers its month. The median over periods is not moved by a gap in the data.
    """
    if spans.empty:
        return pd.DataFrame(
            {
                "metric": pd.Series([], dtype=TEXT_DTYPE),
                "last": pd.Series([], dtype=DATE_DTYPE),
                "cadence": pd.Series([], dtype="int64"),
            }
        )
    first = pd.to_datetime(spans["first"]).dt.normalize()
    last = pd.to_datetime(spans["last"]).dt.normalize()
    days = spans["days"].to_numpy(dtype="float64")
    start = pd.to_datetime(spans["date"])
    length = (
        start.dt.to_period(PERIOD_CODES[period]).dt.end_time.dt.normalize() - start
    ).dt.days.to_numpy(dtype="float64") + 1.0
    spread = (last - first).dt.days.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(days > 1, spread / np.maximum(days - 1, 1), length)
    frame = pd.DataFrame({"metric": spans["metric"].astype(str), "last": last, "gap": gap})
    by = frame.groupby("metric", sort=True)
    out = pd.DataFrame({"last": by["last"].max(), "gap": by["gap"].median()}).reset_index()
    cadence = np.maximum(np.rint(out["gap"].to_numpy(dtype="float64")), 1).astype("int64")
    return pd.DataFrame(
        {
            "metric": out["metric"].astype(TEXT_DTYPE),
            "last": out["last"].astype(DATE_DTYPE),
            "cadence": cadence,
        }
    )
