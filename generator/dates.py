"""Calendar periods: a calendar month, a calendar quarter or an ISO week (Monday to
Sunday), named by its first day (a midnight ``pd.Timestamp``) and labelled ``2026-10``,
``2026-Q3`` or ``2026-W41``. A leaf: the reference checks (validate) and the analysis
both count periods with it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import numpy as np

PERIOD_CODES: Mapping[str, str] = {"week": "W-SUN", "month": "M", "quarter": "Q-DEC"}
"""pandas period codes; weeks end on Sunday, so they start on Monday (ISO)."""
PERIODS_PER_YEAR: Mapping[str, int] = {"week": 52, "month": 12, "quarter": 4}
"""How many periods make a year (ROI horizons, forecasts)."""


def _check(period: str) -> str:
    if period not in PERIOD_CODES:
        raise ValueError(f"unknown period {period!r}: use week, month or quarter")
    return PERIOD_CODES[period]


def _ts(date: Any) -> pd.Timestamp:
    ts = pd.Timestamp(date)
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _day(date: Any) -> dt.date:
    """The calendar day of ``date`` (a date, datetime, Timestamp or ISO string)."""
    if isinstance(date, dt.datetime):  # a Timestamp too; an aware one keeps its wall time
        return date.date()
    if isinstance(date, dt.date):
        return date
    day: dt.date = _ts(date).date()
    return day


def _first_and_last_day(date: Any, period: str) -> tuple[dt.date, dt.date]:
    """The first and the last day of the week, month or quarter ``date`` falls in.

    Date arithmetic rather than ``Timestamp.to_period``: the same days, about 30 times
    faster, and period boundaries are asked for tens of thousands of times per build.
    """
    _check(period)
    day = _day(date)
    if period == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    months = 1 if period == "month" else 3
    first_month = day.month - (day.month - 1) % months
    last_month = first_month + months - 1
    last_day = calendar.monthrange(day.year, last_month)[1]
    return dt.date(day.year, first_month, 1), dt.date(day.year, last_month, last_day)


def period_start(date: Any, period: str) -> pd.Timestamp:
    """First day (midnight) of the week, month or quarter ``date`` falls in."""
    return pd.Timestamp(_first_and_last_day(date, period)[0]).as_unit("ns")


def first_day(date: Any, period: str) -> dt.date:
    """``period_start`` as a plain ``datetime.date``."""
    return _first_and_last_day(date, period)[0]


def period_end(date: Any, period: str) -> pd.Timestamp:
    """Last day (midnight) of the week, month or quarter ``date`` falls in."""
    return pd.Timestamp(last_day(date, period)).as_unit("ns")


def last_day(date: Any, period: str) -> dt.date:
    """``period_end`` as a plain ``datetime.date``."""
    return _first_and_last_day(date, period)[1]


_FIRST_WEEK_MONDAY = dt.date(1969, 12, 29)
"""The Monday of pandas' weekly period 1 (``Period("1970-01-01", "W-SUN").ordinal``)."""


def period_index(date: Any, period: str) -> int:
    """A whole number that grows by one per period: differences count periods.

    pandas' period ordinal (``Timestamp.to_period(...).ordinal``), counted directly.
    """
    _check(period)
    day = _day(date)
    if period == "week":
        return (day - _FIRST_WEEK_MONDAY).days // 7 + 1
    if period == "quarter":
        return (day.year - 1970) * 4 + (day.month - 1) // 3
    return (day.year - 1970) * 12 + day.month - 1


def period_indices(starts: Any, period: str) -> np.ndarray:
    """:func:`period_index` of each value of ``starts`` (datetime64 values or a
    DatetimeIndex, naive) at once, as an int64 array."""
    import numpy as np

    _check(period)
    values = np.asarray(starts, dtype="datetime64[ns]")
    if period == "week":
        days = values.astype("datetime64[D]").astype(np.int64)  # 1970-01-01 is day 0
        return (days + 3) // 7 + 1  # 1969-12-29, the first week's Monday, is day -3
    months = values.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return months // 3 if period == "quarter" else months


def periods_between(start: Any, end: Any, period: str) -> int:
    """Periods from the one holding ``start`` to the one holding ``end`` (0 = the same)."""
    return period_index(end, period) - period_index(start, period)


def period_label(ts: Any, period: str) -> str:
    """``2026-10`` (month), ``2026-W41`` (ISO week) or ``2026-Q3`` (quarter)."""
    _check(period)
    t = _ts(ts)
    if period == "week":
        iso = t.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    if period == "quarter":
        return f"{t.year}-Q{(t.month - 1) // 3 + 1}"
    return f"{t.year}-{t.month:02d}"


def as_date(ts: Any) -> dt.date:
    """A ``pd.Timestamp`` (or date) as a plain ``datetime.date``."""
    day: dt.date = _ts(ts).date()
    return day
