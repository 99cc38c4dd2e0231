"""analysis/periods.py: period boundaries, ISO-week labels, mean vs sum aggregation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from generator.analysis.periods import (
    complete_only,
    complete_position,
    goal_series,
    series,
    to_periods,
    until,
    until_position,
)
from generator.dates import (
    period_end,
    period_index,
    period_indices,
    period_label,
    period_start,
    periods_between,
)


def kpis(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.Series(pd.to_datetime([r[0] for r in rows]), dtype="datetime64[ns]"),
            "metric": pd.Series([r[1] for r in rows], dtype="str"),
            "value": pd.Series([r[2] for r in rows], dtype="float64"),
            "group": pd.Series([r[3] for r in rows], dtype="str"),
        }
    )


@pytest.mark.parametrize(
    ("day", "period", "start", "end", "label"),
    [
        ("2026-10-07", "month", "2026-10-01", "2026-10-31", "2026-10"),
        ("2026-10-07", "week", "2026-10-05", "2026-10-11", "2026-W41"),
        ("2026-01-01", "week", "2025-12-29", "2026-01-04", "2026-W01"),
        ("2024-12-30", "week", "2024-12-30", "2025-01-05", "2025-W01"),
        ("2027-01-03", "week", "2026-12-28", "2027-01-03", "2026-W53"),
        ("2026-08-15", "quarter", "2026-07-01", "2026-09-30", "2026-Q3"),
        ("2026-02-28", "quarter", "2026-01-01", "2026-03-31", "2026-Q1"),
    ],
)
def test_period_bounds_and_labels(day: str, period: str, start: str, end: str, label: str) -> None:
    assert period_start(day, period) == pd.Timestamp(start)
    assert period_end(day, period) == pd.Timestamp(end)
    assert period_label(period_start(day, period), period) == label
    assert period_label(dt.date.fromisoformat(day), period) == label


def test_periods_between_counts_whole_periods() -> None:
    assert periods_between(dt.date(2026, 1, 31), dt.date(2026, 4, 1), "month") == 3
    assert periods_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31), "quarter") == 3
    assert periods_between(dt.date(2026, 10, 5), dt.date(2026, 10, 11), "week") == 0
    with pytest.raises(ValueError, match="unknown period"):
        period_start("2026-01-01", "day")


ROWS = [
    ("2026-09-28", "errors", 4.0, ""),  # ISO week 40, September, Q3
    ("2026-10-05", "errors", 2.0, ""),  # week 41, October, Q4
    ("2026-10-07", "errors", 3.0, ""),  # week 41
    ("2026-10-20", "errors", 7.0, ""),  # week 43
    ("2026-09-28", "sales", 10.0, ""),
    ("2026-10-05", "sales", 20.0, ""),
    ("2026-10-07", "sales", 30.0, ""),
    ("2026-10-20", "sales", 40.0, ""),
]


@pytest.mark.parametrize(
    ("period", "expected_errors", "expected_sales", "ns"),
    [
        (
            "week",
            {"2026-09-28": 4.0, "2026-10-05": 2.5, "2026-10-19": 7.0},
            [10, 50, 40],
            [1, 2, 1],
        ),
        ("month", {"2026-09-01": 4.0, "2026-10-01": 4.0}, [10, 90], [1, 3]),
        ("quarter", {"2026-07-01": 4.0, "2026-10-01": 4.0}, [10, 90], [1, 3]),
    ],
)
def test_to_periods_mean_vs_sum(
    period: str, expected_errors: dict[str, float], expected_sales: list[float], ns: list[int]
) -> None:
    table = to_periods(kpis(ROWS), period, {"sales": "sum"})
    assert list(table.columns) == ["metric", "group", "period", "value", "n"]
    errors = series(table, "errors", "")
    assert {ts.date().isoformat(): v for ts, v in errors.items()} == expected_errors
    sales = series(table, "sales", "")
    assert sales.to_list() == expected_sales
    assert table[table["metric"] == "sales"]["n"].to_list() == ns


def test_to_periods_reaggregates_counted_input_by_weight() -> None:
    # Months from a SQL source (with n) roll up into the same quarter as raw rows would.
    frame = kpis([("2026-07-01", "rate", 1.0, ""), ("2026-08-01", "rate", 4.0, "")])
    frame["n"] = [3, 1]
    table = to_periods(frame, "quarter", {})
    assert series(table, "rate", "").to_list() == [pytest.approx(1.75)]
    assert table["n"].to_list() == [4]


def test_to_periods_empty_frame_has_columns() -> None:
    table = to_periods(kpis([]), "month", {})
    assert table.empty and list(table.columns) == ["metric", "group", "period", "value", "n"]
    assert series(table, "x", "").empty


def test_goal_series_prefers_own_group_then_combines_groups() -> None:
    rows = [
        ("2026-01-10", "m", 2.0, "a"),
        ("2026-01-10", "m", 4.0, "b"),
        ("2026-01-20", "m", 6.0, "b"),
        ("2026-02-10", "m", 1.0, "a"),
    ]
    mean_table = to_periods(kpis(rows), "month", {})
    combined = goal_series(mean_table, "m", "", "mean")
    # January: a mean 2 (n=1), b mean 5 (n=2) → mean of all three observations = 4
    assert combined.to_list() == [pytest.approx(4.0), pytest.approx(1.0)]
    assert goal_series(mean_table, "m", "b").to_list() == [5.0]
    assert goal_series(mean_table, "m", "c").empty  # a named group never falls back
    sum_table = to_periods(kpis(rows), "month", {"m": "sum"})
    assert goal_series(sum_table, "m", "", "sum").to_list() == [12.0, 1.0]
    with_org = to_periods(kpis([*rows, ("2026-01-05", "m", 9.0, "")]), "month", {})
    assert goal_series(with_org, "m", "").to_list() == [9.0]


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_period_indices_are_each_days_period_index(period: str) -> None:
    # every day of eighty years, around the epoch and leap days: the array form that
    # impact estimates and reviews use must count exactly as the scalar one
    days = pd.date_range("1960-01-01", "2040-12-31", freq="D")
    expected = np.array([period_index(d, period) for d in days[::7]])
    assert (period_indices(days[::7], period) == expected).all()
    assert (period_indices(days, period)[::7] == expected).all()
    assert period_indices(days.to_numpy().astype("datetime64[s]"), period)[0] == expected[0]


def test_cut_positions_agree_with_the_cut_series() -> None:
    table = to_periods(kpis(ROWS), "week", {})
    s = series(table, "errors", "")
    for day in pd.date_range("2026-09-20", "2026-10-31", freq="D"):
        assert until_position(s, day.date(), "week") == len(until(s, day.date(), "week"))
        for through in (None, day.date()):
            cut = complete_only(s, through, "week")
            assert complete_position(s, len(s), through, "week") == len(cut)


def test_until_drops_periods_after_as_of() -> None:
    table = to_periods(kpis(ROWS), "month", {})
    s = series(table, "errors", "")
    assert until(s, dt.date(2026, 9, 30), "month").to_list() == [4.0]
    assert len(until(s, dt.date(2026, 10, 1), "month")) == 2


def test_a_summed_kpi_reads_per_average_period() -> None:
    from generator.analysis.periods import AVERAGE_DAYS, cadences, per_average_period

    mondays = pd.date_range("2026-06-01", "2026-08-31", freq="W-MON")  # June 5, July 4, Aug 5
    kpis = pd.DataFrame({"date": mondays, "metric": "complaints", "value": 10.0, "group": ""})
    monthly = pd.DataFrame(
        {
            "date": pd.date_range("2026-01-01", periods=8, freq="MS"),
            "metric": "accidents",
            "value": 4.0,
            "group": "",
        }
    )
    both = pd.concat([kpis, monthly], ignore_index=True)
    agg = {"complaints": "sum", "accidents": "sum"}
    table = to_periods(both, "month", agg)
    raw = table[table["metric"] == "complaints"]["value"].to_list()
    assert raw == [50.0, 40.0, 50.0]  # five-Monday months look 25% busier
    read = per_average_period(table, agg, cadences(both), "month")
    values = read[read["metric"] == "complaints"]["value"].to_list()
    assert values == pytest.approx([10.0 * AVERAGE_DAYS["month"] / 7] * 3)
    # one figure a month is what a month holds: left as it is
    assert read[read["metric"] == "accidents"]["value"].to_list() == [4.0] * 8


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_a_series_sliced_from_the_lookups_arrays_is_the_series_of_its_rows(unit: str) -> None:
    from generator.analysis.periods import _as_series, split_periods

    rng = np.random.default_rng(3)
    n = 600
    start = pd.Timestamp("2020-01-01")
    table = pd.DataFrame(
        {
            "metric": rng.choice(["a", "b"], n),
            "group": rng.choice(["", "x", "y"], n),
            # shuffled days: each group's rows are out of order, as a lookup may see them
            "period": (start + pd.to_timedelta(rng.permutation(n), unit="D")).astype(
                f"datetime64[{unit}]"
            ),
            "value": rng.normal(size=n),
            "n": 1,
        }
    )
    lookup = split_periods(table)
    assert lookup.period_values is not None
    for (metric, group), rows in lookup.group_positions.items():
        sliced = lookup.group_series(metric, group)
        by_rows = _as_series(table.iloc[rows], group)
        pd.testing.assert_series_equal(sliced, by_rows, check_freq=True)
        assert sliced.index.name == by_rows.index.name == "period"
    assert lookup.group_series("a", "nobody").empty
