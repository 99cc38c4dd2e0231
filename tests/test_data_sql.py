"""generator/data from SQL: KPI aggregation pushed down (SQLite, real PostgreSQL), rows, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from generator.data import aggregate_kpis, load_dataset
from generator.data.sql import expand_env
from generator.errors import Problems
from generator.load.config import DataConfig, SqlSource

pytest_plugins = ["tests.postgres_fixture"]

AGG = {"orders": "sum", "satisfaction": "mean"}


def daily_kpis() -> pd.DataFrame:
    """Daily rows over 14 months: two metrics, three groups ("" and NULL both = whole org)."""
    rng = np.random.default_rng(7)
    days = pd.date_range("2025-11-20", "2027-01-10", freq="D")
    frames = []
    for metric in AGG:
        for group in ("north", "south", None):
            frames.append(
                pd.DataFrame(
                    {
                        "date": days,
                        "metric": metric,
                        "value": rng.normal(50, 10, len(days)).round(3),
                        "group": group,
                    }
                )
            )
    frame = pd.concat(frames, ignore_index=True)
    frame.loc[frame.index % 11 == 0, "group"] = ""  # some whole-org rows say "" not NULL
    return frame


def expected(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    """The pandas-side aggregation, written independently of generator.data.aggregate."""
    d = rows["date"]
    if period == "week":
        start = d - pd.to_timedelta(d.dt.day_of_week, unit="D")
    elif period == "month":
        start = d - pd.to_timedelta(d.dt.day - 1, unit="D")
    else:
        first_month = ((d.dt.month - 1) // 3) * 3 + 1
        start = pd.to_datetime({"year": d.dt.year, "month": first_month, "day": 1})
    frame = rows.assign(date=start.astype("datetime64[ns]"), group=rows["group"].fillna(""))
    out = []
    for (metric, group, date), part in frame.groupby(["metric", "group", "date"]):
        value = part["value"].sum() if AGG[metric] == "sum" else part["value"].mean()
        out.append((date, metric, float(value), group, len(part)))
    return pd.DataFrame(out, columns=["date", "metric", "value", "group", "n"])


def assert_same_aggregates(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == ["date", "metric", "value", "group", "n"]
    assert str(got["date"].dtype) == "datetime64[ns]"
    assert got["n"].dtype == "int64" and got["value"].dtype == "float64"
    keys = ["metric", "group", "date"]
    g = got.sort_values(keys).reset_index(drop=True)
    w = want.sort_values(keys).reset_index(drop=True)
    assert g[keys].astype(str).equals(w[keys].astype(str))
    assert g["n"].tolist() == w["n"].tolist()
    np.testing.assert_allclose(g["value"].to_numpy(), w["value"].to_numpy(), rtol=1e-9)


def load_sql_kpis(url: str, period: str, **source: str) -> tuple[pd.DataFrame, list[str], str]:
    problems = Problems()
    config = DataConfig(sql={"kpis": SqlSource(url=url, **source)})
    data = load_dataset(Path("/nonexistent-site"), config, problems, kpi_agg=AGG, period=period)
    return data.kpis, [p.format() for p in problems], data.fingerprint


def store(url: str, table: str, frame: pd.DataFrame) -> None:
    engine = sa.create_engine(url, poolclass=NullPool)
    frame.to_sql(table, engine, index=False, dtype={"date": sa.Date()})
    engine.dispose()


# --- SQLite: fast, always runs --------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sql') / 'kpis.db'}"
    store(url, "kpi_daily", daily_kpis())
    return url


@pytest.mark.parametrize("period", ["month", "quarter", "week"])
def test_sqlite_push_down_matches_pandas(sqlite_url: str, period: str) -> None:
    got, problems, _ = load_sql_kpis(sqlite_url, period, table="kpi_daily")
    assert problems == []
    rows = daily_kpis().assign(group=lambda f: f["group"].fillna(""))
    want = aggregate_kpis(rows, AGG, period)
    assert_same_aggregates(want, expected(daily_kpis(), period))
    assert_same_aggregates(got, want)
    if period == "week":
        assert set(got["date"].dt.day_of_week) == {0}  # ISO weeks start on Monday


def test_sqlite_query_source_and_learning_rows(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url, poolclass=NullPool)
    pd.DataFrame(
        {
            "date": ["2026-01-05", "2026-01-06", "2026-01-07"],
            "learner": ["L1", "L2", "L3"],
            "activity": ["intro"] * 3,
            "verb": ["Completed", "complete", "passed"],
            "score": [None, None, 80],
        }
    ).to_sql("lrs", engine, index=False)
    engine.dispose()
    problems = Problems()
    config = DataConfig(
        sql={"learning": SqlSource(url=sqlite_url, query="SELECT * FROM lrs ORDER BY date;")}
    )
    data = load_dataset(Path("/nonexistent-site"), config, problems)
    assert [p.format() for p in problems if p.severity == "error"] == [
        "goalpath.toml: sources.learning.verb: row 2: unknown verb 'complete' (did you mean "
        "'completed'? use one of enrolled, started, completed, passed, failed, reflected)"
    ]
    assert data.learning["verb"].tolist() == ["completed", "passed"]
    assert data.learning["score"].tolist()[1] == 80.0
    assert data.sources["learning"] == "sql:SELECT * FROM lrs ORDER BY date;"


def test_expand_env() -> None:
    assert expand_env("postgresql://u:${PW}@h/${DB}", {"PW": "s3", "DB": "kpi"}) == (
        "postgresql://u:s3@h/kpi",
        [],
    )
    assert expand_env("x://${NOPE}", {})[1] == ["NOPE"]


@pytest.mark.parametrize(
    ("url", "start"),
    [
        ("not a url", "goalpath.toml: sources.kpis: cannot use the database url: "),
        ("nosuchdb://h/x", "goalpath.toml: sources.kpis: cannot use the database url: "),
        ("sqlite:////nonexistent/dir/x.db", "goalpath.toml: sources.kpis: cannot connect to "),
        ("${GOALPATH_TEST_UNSET}", "goalpath.toml: sources.kpis: environment variable "),
    ],
)
def test_bad_urls_give_one_clean_problem(url: str, start: str) -> None:
    kpis, problems, _ = load_sql_kpis(url, "month", table="kpi_daily")
    assert len(problems) == 1 and problems[0].startswith(start), problems
    assert kpis.empty


# --- PostgreSQL 15: the real thing ----------------------------------------------------------


@pytest.fixture
def pg_kpis(postgres_db: str) -> str:
    store(postgres_db, "kpi_daily", daily_kpis())
    return postgres_db


@pytest.mark.postgres
@pytest.mark.parametrize("period", ["month", "quarter"])
def test_postgres_push_down_equals_pandas_aggregation(pg_kpis: str, period: str) -> None:
    got, problems, _ = load_sql_kpis(pg_kpis, period, table="kpi_daily")
    assert problems == []
    want = expected(daily_kpis(), period)
    assert_same_aggregates(got, want)
    assert got["n"].sum() == len(daily_kpis())  # only aggregates travelled
    assert len(got) == len(want) < len(daily_kpis()) / 20


@pytest.mark.postgres
def test_postgres_query_source_and_quoted_group(pg_kpis: str) -> None:
    engine = sa.create_engine(pg_kpis, poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            'CREATE VIEW raw_kpis AS SELECT date AS day, metric AS name, value AS v, "group" AS g '
            "FROM kpi_daily"
        )
    engine.dispose()
    query = (
        'SELECT day AS date, name AS metric, v AS value, g AS "group" FROM raw_kpis '
        "WHERE day >= DATE '2026-01-01'::date"
    )
    got, problems, fingerprint = load_sql_kpis(pg_kpis, "month", query=query)
    assert problems == []
    rows = daily_kpis()
    assert_same_aggregates(got, expected(rows[rows["date"] >= "2026-01-01"], "month"))
    again = load_sql_kpis(pg_kpis, "month", query=query)[2]
    assert again == fingerprint
    assert load_sql_kpis(pg_kpis, "quarter", query=query)[2] != fingerprint


@pytest.mark.postgres
def test_postgres_reports_missing_columns_and_empty_values(postgres_db: str) -> None:
    engine = sa.create_engine(postgres_db, poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE k (date date, metric text, amount float)")
        conn.exec_driver_sql('CREATE TABLE k2 (date date, metric text, value float, "group" text)')
        conn.exec_driver_sql(
            "INSERT INTO k2 VALUES ('2026-01-01', 'a', 1, NULL), ('2026-01-02', 'a', NULL, NULL), "
            "(NULL, 'a', 5, NULL), ('2026-01-03', NULL, 5, 'x')"
        )
    engine.dispose()
    _, problems, _ = load_sql_kpis(postgres_db, "month", table="k")
    assert problems == [
        "goalpath.toml: sources.kpis.value: missing required column "
        "(columns found: date, metric, amount)",
        "goalpath.toml: warning: sources.kpis.amount: unknown column is ignored "
        "(known columns: date, metric, value, group)",
    ]
    kpis, problems, _ = load_sql_kpis(postgres_db, "month", table="k2")
    hint = "(every row needs a date (YYYY-MM-DD), a metric and a number value)"
    assert problems == [
        f"goalpath.toml: sources.kpis: 1 row with an empty or unreadable date {hint}",
        f"goalpath.toml: sources.kpis: 1 row with an empty metric {hint}",
        f"goalpath.toml: sources.kpis: 1 row with an empty value {hint}",
    ]
    assert kpis[["metric", "value", "n"]].values.tolist() == [["a", 1.0, 1]]


@pytest.mark.postgres
def test_postgres_learning_rows_are_checked(postgres_db: str) -> None:
    engine = sa.create_engine(postgres_db, poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE skills (person text, skill text, level numeric, team text, date date)"
        )
        conn.exec_driver_sql(
            "INSERT INTO skills VALUES ('P1', 'a', 3, 'x', '2026-01-01'), "
            "('P2', 'a', 2.5, NULL, NULL), ('P3', 'b', 5, NULL, NULL)"
        )
    engine.dispose()
    problems = Problems()
    config = DataConfig(sql={"skills": SqlSource(url=postgres_db, table="public.skills")})
    data = load_dataset(Path("/nonexistent-site"), config, problems)
    assert [p.format() for p in problems if p.severity == "error"] == [
        "goalpath.toml: sources.skills.level: row 2: not a whole number: '2.5' "
        "(levels are 0, 1, 2, 3, 4 or 5)"
    ]
    assert data.skills["level"].tolist() == [3, 5]
    assert data.skills["team"].tolist() == ["x", ""]
    assert data.skills["date"].tolist()[0] == pd.Timestamp("2026-01-01")
    assert data.skills["level"].dtype == "int64"


@pytest.mark.postgres
def test_postgres_errors_are_one_clean_problem(postgres_url: str) -> None:
    port = sa.engine.make_url(postgres_url).port
    cases = {
        f"postgresql+psycopg://postgres:hunter2@127.0.0.1:{port}/no_such_db": (
            "cannot connect to the database: "
        ),
        "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/postgres": (
            "cannot connect to the database: "
        ),
        postgres_url: "the query failed: ",
    }
    for url, start in cases.items():
        _, problems, _ = load_sql_kpis(url, "month", table="no_such_table")
        assert len(problems) == 1, problems
        assert problems[0].startswith("goalpath.toml: sources.kpis: " + start), problems
        assert "hunter2" not in problems[0]
        assert "\n" not in problems[0]


def test_aggregates_re_aggregate_like_raw_rows(sqlite_url: str) -> None:
    months, problems, _ = load_sql_kpis(sqlite_url, "month", table="kpi_daily")
    assert problems == []
    assert_same_aggregates(
        aggregate_kpis(months, AGG, "quarter"), expected(daily_kpis(), "quarter")
    )
    assert_same_aggregates(aggregate_kpis(months, AGG, "month"), months)


# --- one report date for files and SQL --------------------------------------------------------


def _refreshed_mid_month() -> pd.DataFrame:
    """Daily rows to 23 November 2026 (a mid-month refresh) and one figure a month."""
    days = pd.date_range("2026-01-01", "2026-11-23", freq="D")
    months = pd.date_range("2026-01-01", "2026-11-01", freq="MS")
    return pd.concat(
        [
            pd.DataFrame({"date": days, "metric": "calls", "value": 1.0, "group": "north"}),
            pd.DataFrame({"date": months, "metric": "csat", "value": 80.0, "group": ""}),
        ],
        ignore_index=True,
    )


def _csv_observed(tmp_path: Path, frame: pd.DataFrame, period: str) -> pd.DataFrame:
    (tmp_path / "data").mkdir(exist_ok=True)
    frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).to_csv(
        tmp_path / "data" / "kpis.csv", index=False
    )
    problems = Problems()
    data = load_dataset(tmp_path, DataConfig(), problems, period=period)
    assert problems.errors == []
    return data.observed


def _sql_observed(url: str, period: str) -> pd.DataFrame:
    problems = Problems()
    config = DataConfig(sql={"kpis": SqlSource(url=url, table="kpi_refresh")})
    data = load_dataset(Path("/nonexistent-site"), config, problems, period=period)
    assert problems.errors == []
    return data.observed


@pytest.mark.parametrize("period", ["month", "week"])
def test_sqlite_and_csv_agree_on_the_last_day_and_cadence(tmp_path: Path, period: str) -> None:
    from generator.analysis.periods import complete_through

    url = f"sqlite:///{tmp_path / 'refresh.db'}"
    store(url, "kpi_refresh", _refreshed_mid_month())
    sql = _sql_observed(url, period)
    csv = _csv_observed(tmp_path, _refreshed_mid_month(), period)
    pd.testing.assert_frame_equal(sql, csv)
    by = sql.set_index("metric")
    assert by.loc["calls", "last"] == pd.Timestamp("2026-11-23")  # not 1 November
    assert by.loc["calls", "cadence"] == 1
    through = complete_through(sql, period)
    assert through["calls"] == pd.Timestamp("2026-11-23").date()


@pytest.mark.postgres
def test_postgres_and_csv_agree_on_the_last_day_and_cadence(
    postgres_db: str, tmp_path: Path
) -> None:
    store(postgres_db, "kpi_refresh", _refreshed_mid_month())
    sql = _sql_observed(postgres_db, "month")
    csv = _csv_observed(tmp_path, _refreshed_mid_month(), "month")
    pd.testing.assert_frame_equal(sql, csv)
    assert sql.set_index("metric").loc["calls", "last"] == pd.Timestamp("2026-11-23")


def test_a_site_reads_the_same_report_date_from_sql_as_from_csv(tmp_path: Path) -> None:
    """The issue's case: SQL gave 1 Nov as the report date where the CSV gave 23 Nov."""
    from generator.analysis.site import resolve_as_of
    from generator.load.config import SiteConfig
    from generator.model.validate import validate_site

    site = validate_site({"goals": [], "paths": []}, SiteConfig(), Problems())
    url = f"sqlite:///{tmp_path / 'site.db'}"
    store(url, "kpi_refresh", _refreshed_mid_month())
    problems = Problems()
    config = DataConfig(sql={"kpis": SqlSource(url=url, table="kpi_refresh")})
    from_sql = load_dataset(Path("/nonexistent-site"), config, problems)
    _csv_observed(tmp_path, _refreshed_mid_month(), "month")
    from_csv = load_dataset(tmp_path, DataConfig(), Problems())
    assert resolve_as_of(site, from_sql, None) == resolve_as_of(site, from_csv, None)
    assert resolve_as_of(site, from_sql, None) == pd.Timestamp("2026-11-23").date()
