"""Load the three tidy tables of a site (files or SQL) into one checked :class:`Dataset`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..dates import as_date
from ..errors import Problems
from ..load.config import CONFIG_NAME, CSV_DECIMALS, CSV_SEPARATORS, PERIODS, DataConfig
from .aggregate import observed, period_spans
from .files import CsvDialect, locate, parse, read_bytes
from .schema import KPIS, TABLES, TableSpec
from .validate import RowPlaces, row_places, validate_rows
from .xapi import XapiContext


@dataclass(frozen=True, eq=False)
class Dataset:
    """The site's data, checked and typed (DESIGN.md §2). Frames are never None.

    Compared by identity (``eq=False``): compare ``fingerprint`` to know whether the
    inputs changed.
    """

    kpis: pd.DataFrame
    """date (datetime64[ns], midnight), metric, value (float64), group ("" = organisation).

    From a SQL source the rows are already aggregated per period (``date`` = period
    start) and carry one more column, ``n``: the observations behind each value.
    """
    learning: pd.DataFrame
    """date, learner, activity, verb (lower case), path, cohort, score, duration_min."""
    skills: pd.DataFrame
    """person, skill, level (int64 0–5), team, date (NaT when missing)."""
    sources: dict[str, str]
    """Table → file read (relative, forward slashes) or ``sql:<table or query>``; "" if none."""
    fingerprint: str
    """sha256 over everything read: equal inputs give an equal fingerprint."""
    observed: pd.DataFrame | None = None
    """Per KPI metric: ``last`` observation day and ``cadence`` in days
    (``aggregate.observed``), the same from files and SQL: the report date and which
    periods are complete read it."""
    places: dict[str, RowPlaces] = field(default_factory=dict)
    """Table → where each row came from (file lines or row numbers), for messages."""
    unreadable: frozenset[str] = frozenset()
    """Tables whose source exists but could not be read at all (an error says why):
    checks against their contents would only repeat that error in other words."""

    def report_date(self, today: dt.date | None) -> dt.date:
        """The date the data speak for when the config names none: the latest KPI
        observation (from files and SQL alike), else ``today``, else the latest learning
        record, else the calendar's today. (``goalpath check`` needs it without the
        analysis: the freshness checks count periods back from it.)"""
        seen = self.observed
        if seen is not None and len(seen) and seen["last"].notna().any():
            return as_date(seen["last"].max())
        kpis = self.kpis
        if len(kpis) and kpis["date"].notna().any():
            return as_date(kpis["date"].max())
        if today is not None:
            return today
        learning = self.learning
        if len(learning) and learning["date"].notna().any():
            return as_date(learning["date"].max())
        return dt.date.today()


def load_dataset(
    root: Path,
    config: DataConfig,
    problems: Problems,
    *,
    kpi_agg: Mapping[str, str] | None = None,
    period: str = "month",
    xapi: XapiContext | None = None,
) -> Dataset:
    """Read kpis, learning and skills; every problem goes to ``problems``, bad rows dropped.

    ``kpi_agg`` (metric → ``mean`` | ``sum``) and ``period`` only matter for a SQL KPI
    source, where the aggregation is pushed down to the database. ``xapi``: the site's
    path, cohort and reflection ids, which xAPI statements only point at.
    """
    if period not in PERIODS:  # config.py has reported it; keep going with the default
        period = "month"
    digest = hashlib.sha256()
    frames: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    places: dict[str, RowPlaces] = {}
    failed: set[str] = set()
    spans = None
    for name, spec in TABLES.items():
        sql = config.sql.get(name)
        if sql is not None:
            from .sql import load_sql  # SQLAlchemy (0.15 s) only for sites that use SQL

            loaded = load_sql(name, sql, spec, problems, kpi_agg=kpi_agg, period=period)
            frame, label, seen = loaded.frame, loaded.label, loaded.fingerprint.encode()
            where = RowPlaces(label, "row", np.arange(1, len(frame) + 1, dtype=np.int64))
            if name == "kpis":
                spans = loaded.spans
        else:
            frame, label, seen, where = _load_file(
                root,
                name,
                getattr(config, name),
                spec,
                problems,
                _dialect(config),
                _with_extensions(xapi, config) if name == "learning" else None,
                # a site without goals (pages only) needs no KPI data: no warning
                missing_is_news=name != "kpis" or kpi_agg is None or bool(kpi_agg),
            )
            if name == "kpis":
                spans = period_spans(frame, period)
        if frame.empty and any(p.file == label for p in problems.errors) and label:
            failed.add(name)
        frames[name], sources[name], places[name] = frame, label, where
        for part in (name.encode(), label.encode(), hashlib.sha256(seen).digest()):
            digest.update(len(part).to_bytes(8, "big") + part)
    return Dataset(
        kpis=frames["kpis"],
        learning=frames["learning"],
        skills=frames["skills"],
        sources=sources,
        fingerprint=digest.hexdigest(),
        observed=observed(
            spans if spans is not None else period_spans(KPIS.empty(), period), period
        ),
        places=places,
        unreadable=frozenset(failed),
    )


def _dialect(config: DataConfig) -> CsvDialect:
    return CsvDialect(
        CSV_SEPARATORS.get(config.csv_separator), CSV_DECIMALS.get(config.csv_decimal)
    )


def _with_extensions(xapi: XapiContext | None, config: DataConfig) -> XapiContext:
    from dataclasses import replace

    ctx = xapi or XapiContext()
    return replace(
        ctx,
        path_extension=config.xapi_path_extension or ctx.path_extension,
        cohort_extension=config.xapi_cohort_extension or ctx.cohort_extension,
    )


def _load_file(
    root: Path,
    name: str,
    rel: str,
    spec: TableSpec,
    problems: Problems,
    dialect: CsvDialect | None = None,
    xapi: XapiContext | None = None,
    missing_is_news: bool = True,
) -> tuple[pd.DataFrame, str, bytes, RowPlaces]:
    """(frame, file read or "", bytes read, where its rows are) for one data file."""
    nowhere = RowPlaces("", "row", np.zeros(0, dtype=np.int64))
    # learning records may come as xAPI statements: data/learning.jsonl or .json
    found = locate(root, rel, (".jsonl", ".json") if name == "learning" else ())
    if found.outside:
        field = f"data.{name}"
        if not any(p.file == CONFIG_NAME and p.field == field for p in problems.errors):
            problems.error(
                CONFIG_NAME,
                f"{rel!r} points outside the site folder",
                field=field,
                hint="use a path under data/",
            )
        return spec.empty(), "", b"", nowhere
    if found.path is None:
        if name == "kpis" and missing_is_news:
            problems.warning(
                found.shown,
                "no KPI data found; goals will show 'no data'",
                hint="add the file (columns date, metric, value, group) or a [sources.kpis] entry",
            )
        return spec.empty(), "", b"", nowhere
    data = read_bytes(found.path, found.shown, problems)
    if data is None:
        return spec.empty(), found.shown, b"", nowhere
    if name != "learning" and found.shown.lower().endswith((".jsonl", ".json")):
        problems.error(
            found.shown,
            "xAPI statements are learning records, not " + name,
            hint=f"give {name} as a .csv or .parquet file",
        )
        return spec.empty(), found.shown, data, nowhere
    raw = parse(data, found.shown, problems, dialect, xapi)
    if raw is None:
        return spec.empty(), found.shown, data, nowhere
    frame, kept = validate_rows(raw, spec, problems)
    return frame, found.shown, data, row_places(raw, kept)
