"""Read a table from a SQL database through SQLAlchemy; push KPI aggregation down as SQL.

For ``kpis`` the database does the work: ``GROUP BY period, metric, group`` with
``AVG`` or ``SUM`` per metric, so only one row per metric, group and period travels
(with ``n``, its number of observations). PostgreSQL, DuckDB, Trino, Snowflake and
Databricks use ``date_trunc``; SQLite uses ``strftime``; any other database sends
its rows and pandas aggregates them the same way (``aggregate.py``). ``learning``
and ``skills`` are read as rows and checked like files. Every failure becomes one
problem on ``goalpath.toml``, field ``sources.<name>``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from ..errors import Problems
from ..load.config import CONFIG_NAME, SqlSource
from .aggregate import aggregate_kpis, period_spans
from .schema import AGGREGATED_KPI_COLUMNS, DATE_DTYPE, KPIS, TEXT_DTYPE, TableSpec
from .validate import Origin, RawTable, check_columns, validate

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DATE_TRUNC_DIALECTS = ("postgresql", "duckdb", "trino", "snowflake", "databricks")


@dataclass(frozen=True)
class SqlLoad:
    """What one SQL source gave."""

    frame: pd.DataFrame
    """Checked rows (learning, skills) or per-period KPI aggregates with ``n``."""
    label: str
    """``sql:<table>`` or ``sql:<query>`` (never the URL: it may hold a password)."""
    fingerprint: str
    """URL without password, the SQL sent and a hash of the result."""
    spans: pd.DataFrame | None = None
    """KPIs: first and last observation day and distinct days per metric, group and
    period (``aggregate.period_spans``), pushed down like the values."""


def expand_env(url: str, environ: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """Replace ``${VAR}`` from the environment; also return the names that are not set."""
    env = os.environ if environ is None else environ
    missing = [m for m in _ENV.findall(url) if m not in env]
    return _ENV.sub(lambda m: env.get(m.group(1), m.group(0)), url), missing


def source_label(source: SqlSource) -> str:
    """``sql:<table>`` or ``sql:<query on one line>``."""
    return "sql:" + (source.table or " ".join((source.query or "").split()))


def _first_line(exc: BaseException, secret: str | None) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(exc).__name__)
    return first.replace(secret, "***") if secret else first


def _hint(exc: BaseException, phase: str) -> str:
    if isinstance(exc, ImportError | sa.exc.NoSuchModuleError):
        return "install the database driver, e.g. psycopg[binary] for postgresql+psycopg://"
    if isinstance(exc, sa.exc.ArgumentError):
        return "write the url like postgresql+psycopg://user@host:5432/database"
    if phase == "connect":
        return "check host, port, database and user in the url, and that the server is running"
    return "check that the table exists, or run the query on its own in a SQL console"


def _source(source: SqlSource, columns: list[str] | None) -> sa.FromClause:
    """The table or query as ``src``; ``columns`` None selects every column."""
    if source.table:
        schema, _, name = source.table.rpartition(".")
        table = sa.table(name, schema=schema or None)
        cols: list[Any] = [sa.column(c) for c in columns] if columns else [sa.text("*")]
        return sa.select(*cols).select_from(table).subquery("src")
    query = (source.query or "").strip().rstrip(";")
    text = sa.text(query)
    if columns:
        return text.columns(*[sa.column(c) for c in columns]).subquery("src")
    return text.columns().subquery("src")


def _day_sql(dialect: sa.Dialect) -> str:
    """SQL for the day (no time) of ``src.date``, in a dialect ``_period_sql`` supports."""
    col = "src." + dialect.identifier_preparer.quote_identifier("date")
    if dialect.name == "sqlite":
        return f"date({col})"
    return f"CAST(CAST({col} AS TIMESTAMP) AS DATE)"


def _period_sql(dialect: sa.Dialect, period: str) -> str | None:
    """SQL for the first day of the period of ``src.date``; None: aggregate in pandas."""
    col = "src." + dialect.identifier_preparer.quote_identifier("date")
    if dialect.name in _DATE_TRUNC_DIALECTS:
        return f"CAST(date_trunc('{period}', CAST({col} AS TIMESTAMP)) AS DATE)"
    if dialect.name == "sqlite":
        return {
            "month": f"strftime('%Y-%m-01', {col})",
            "quarter": f"printf('%04d-%02d-01', CAST(strftime('%Y', {col}) AS INTEGER), "
            f"((CAST(strftime('%m', {col}) AS INTEGER) - 1) / 3) * 3 + 1)",
            "week": f"date({col}, 'weekday 0', '-6 days')",
        }[period]
    return None


def _rows(conn: sa.Connection, stmt: sa.Executable) -> pd.DataFrame:
    result = conn.execute(stmt)
    keys = list(map(str, result.keys()))
    return pd.DataFrame.from_records([tuple(r) for r in result.fetchall()], columns=keys)


def _kpi_statement(
    src: sa.FromClause, period_sql: str, has_group: bool, agg: Mapping[str, str], day_sql: str
) -> sa.Select[Any]:
    period: sa.ColumnClause[Any] = sa.literal_column(period_sql)
    day: sa.ColumnClause[Any] = sa.literal_column(day_sql)
    value = sa.cast(src.c.value, sa.Float)
    sums = sorted(m for m, a in agg.items() if a == "sum")
    combined: Any = sa.func.avg(value)
    if sums:
        combined = sa.case((src.c.metric.in_(sums), sa.func.sum(value)), else_=combined)
    empty: sa.ColumnClause[Any] = sa.literal_column("''")
    # NULL and '' are both "the whole organisation": one group, not two.
    group: Any = sa.func.coalesce(sa.cast(src.c.group, sa.String), empty) if has_group else empty
    keys: list[Any] = [period, src.c.metric] + ([group] if has_group else [])
    return sa.select(
        period.label("date"),
        src.c.metric.label("metric"),
        combined.label("value"),
        group.label("group"),
        sa.func.count(value).label("n"),
        sa.func.count().label("rows"),
        # where the period's observations lie: one report date and cadence for SQL and
        # files alike (only the period start came back before: 1 Nov instead of 23 Nov)
        sa.func.min(day).label("first"),
        sa.func.max(day).label("last"),
        sa.func.count(sa.distinct(day)).label("days"),
    ).group_by(*keys)


def _check_aggregates(frame: pd.DataFrame, field: str, problems: Problems) -> pd.DataFrame:
    """Report rows the database could not place (no date, metric or value); drop them."""
    no_date = frame["date"].isna()
    no_metric = frame["metric"].isna() | (frame["metric"].astype(str).str.strip() == "")
    missing = {
        "an empty or unreadable date": int(frame.loc[no_date, "rows"].sum()),
        "an empty metric": int(frame.loc[no_metric & ~no_date, "rows"].sum()),
        "an empty value": int((frame["rows"] - frame["n"])[~no_date & ~no_metric].sum()),
    }
    for what, count in missing.items():
        if count:
            problems.error(
                CONFIG_NAME,
                f"{count} row{'s' if count != 1 else ''} with {what}",
                field=field,
                hint="every row needs a date (YYYY-MM-DD), a metric and a number value",
            )
    keep = ~no_date & ~no_metric & (frame["n"] > 0)
    frame = frame[keep]
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(frame["date"]).astype(DATE_DTYPE),
            "metric": frame["metric"].astype(str).str.strip().astype(TEXT_DTYPE),
            "value": frame["value"].astype("float64"),
            "group": frame["group"].fillna("").astype(str).str.strip().astype(TEXT_DTYPE),
            "n": frame["n"].astype("int64"),
        }
    )
    out = out.sort_values(["metric", "group", "date"], kind="stable")
    return out[list(AGGREGATED_KPI_COLUMNS)].reset_index(drop=True)


def _frame_digest(frame: pd.DataFrame) -> str:
    h = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _connect_args(url: URL) -> dict[str, Any]:
    psycopg = url.get_driver_name() in ("psycopg", "psycopg2")
    if url.get_backend_name() == "postgresql" and psycopg and "connect_timeout" not in url.query:
        return {"connect_timeout": 10}
    return {}


def load_sql(
    name: str,
    source: SqlSource,
    spec: TableSpec,
    problems: Problems,
    *,
    kpi_agg: Mapping[str, str] | None = None,
    period: str = "month",
) -> SqlLoad:
    """Read ``spec``'s table from ``source``; KPIs come back aggregated per ``period``."""
    field = f"sources.{name}"
    label = source_label(source)
    empty = SqlLoad(spec.empty(), label, f"{label}\nfailed")
    url_text, unset = expand_env(source.url)
    if unset:
        problems.error(
            CONFIG_NAME,
            f"environment variable {unset[0]} in the url is not set",
            field=field,
            hint=f"set {unset[0]} before building",
        )
        return empty
    secret: str | None = None
    phase = "connect"
    try:
        url = make_url(url_text)
        secret = url.password if isinstance(url.password, str) and url.password else None
        engine = sa.create_engine(url, poolclass=NullPool, connect_args=_connect_args(url))
    except (sa.exc.SQLAlchemyError, ImportError, ValueError) as exc:
        problems.error(
            CONFIG_NAME,
            f"cannot use the database url: {_first_line(exc, secret)}",
            field=field,
            hint=_hint(exc, phase),
        )
        return empty
    origin = Origin(CONFIG_NAME, "rows", field_prefix=f"{field}.")
    try:
        with engine.connect() as conn:
            phase = "query"
            spans = None
            if spec.name != "kpis":
                raw = _rows(conn, sa.select(sa.text("*")).select_from(_source(source, None)))
                frame = validate(RawTable(raw, origin), spec, problems)
            else:
                frame, spans = _load_kpis(conn, source, origin, problems, kpi_agg or {}, period)
    except (sa.exc.SQLAlchemyError, ImportError) as exc:
        verb = "cannot connect to the database" if phase == "connect" else "the query failed"
        problems.error(
            CONFIG_NAME, f"{verb}: {_first_line(exc, secret)}", field=field, hint=_hint(exc, phase)
        )
        return empty
    finally:
        engine.dispose()
    where = url.render_as_string(hide_password=True)
    sums = sorted(m for m, a in (kpi_agg or {}).items() if a == "sum")
    sent = f"{label}\nperiod={period}\nsum={sums}" if spec.name == "kpis" else label
    return SqlLoad(frame, label, f"{where}\n{sent}\n{_frame_digest(frame)}", spans)


def _load_kpis(
    conn: sa.Connection,
    source: SqlSource,
    origin: Origin,
    problems: Problems,
    agg: Mapping[str, str],
    period: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPI aggregates per metric, group and period, pushed down when the dialect
    allows, and their observation spans (``aggregate.period_spans``)."""
    probe = sa.select(sa.text("*")).select_from(_source(source, None)).limit(0)
    found = list(map(str, conn.execute(probe).keys()))
    if not check_columns(found, KPIS, origin, problems):
        return aggregate_kpis(KPIS.empty()), period_spans(KPIS.empty(), period)
    has_group = "group" in found
    columns = ["date", "metric", "value"] + (["group"] if has_group else [])
    src = _source(source, columns)
    period_sql = _period_sql(conn.dialect, period)
    if period_sql is None:
        stmt: sa.Select[Any] = sa.select(*[src.c[c] for c in columns])
        rows = validate(RawTable(_rows(conn, stmt), origin), KPIS, problems)
        return aggregate_kpis(rows, agg, period), period_spans(rows, period)
    statement = _kpi_statement(src, period_sql, has_group, agg, _day_sql(conn.dialect))
    frame = _rows(conn, statement)
    return _check_aggregates(frame, origin.field_prefix.rstrip("."), problems), _spans(frame)


def _spans(frame: pd.DataFrame) -> pd.DataFrame:
    """The pushed-down observation spans of the rows ``_check_aggregates`` keeps."""
    keep = frame["date"].notna() & frame["metric"].notna() & (frame["n"] > 0)
    keep &= frame["metric"].astype(str).str.strip() != ""
    f = frame[keep]
    return pd.DataFrame(
        {
            "metric": f["metric"].astype(str).str.strip().astype(TEXT_DTYPE),
            "group": f["group"].fillna("").astype(str).str.strip().astype(TEXT_DTYPE),
            "date": pd.to_datetime(f["date"]).astype(DATE_DTYPE),
            "first": pd.to_datetime(f["first"]).astype(DATE_DTYPE),
            "last": pd.to_datetime(f["last"]).astype(DATE_DTYPE),
            "days": f["days"].astype("int64"),
        }
    ).reset_index(drop=True)
