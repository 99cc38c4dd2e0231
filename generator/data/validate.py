"""Check a raw table against its :class:`~.schema.TableSpec`; report every bad cell.

Raw tables come from CSV (every cell a string), Parquet or SQL (typed cells). Each
column is parsed with vectorised pandas operations; only the rows that fail are
described, at most :data:`MAX_PER_COLUMN` per file and column, then one
"… and N more rows". Rows with any error are dropped from the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

from ..errors import Problems
from ..text import did_you_mean
from .schema import DATE_DTYPE, TEXT_DTYPE, VERBS, Column, TableSpec

MAX_PER_COLUMN = 20
SHOWN_UNKNOWN_COLUMNS = 5
"""Unknown columns named one by one; the rest in one warning."""
MAX_MAGNITUDE = 1e15
"""Larger numbers are refused: sums and means of a month's 1e308s overflow to infinity,
and no KPI, score or duration is a quadrillion of its unit."""
"""Problems reported per file and column before "… and N more rows"."""

_ISO_DATETIME = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_FIRST_DAY = pd.Timestamp("1900-01-01")
_LAST_DAY = pd.Timestamp("2200-12-31")

Describe = Callable[[str], tuple[str, str | None]]
"""Cell text → (message, hint) for one kind of problem."""


@dataclass(frozen=True)
class Origin:
    """Where a raw table came from, so that problems can point at its rows."""

    file: str
    """Shown file: path relative to the site with forward slashes, or ``goalpath.toml``."""
    kind: Literal["csv", "rows"]
    """csv: rows have physical line numbers; rows: say ``row N`` (Parquet, SQL)."""
    field_prefix: str = ""
    """Put before column names in ``field`` (``sources.learning.`` for SQL)."""
    header_line: int | None = None
    """Line of the header (CSV: 1)."""
    row_lines: Callable[[], Sequence[int]] | None = None
    """CSV: the 1-based line each data row starts on; called only when there are problems."""


@dataclass(frozen=True, eq=False)
class RowPlaces:
    """Where the rows of a checked table came from, for messages about them."""

    file: str
    """The data file as shown (``data/learning.csv``) or the SQL source's label."""
    kind: Literal["line", "row"]
    """line: ``numbers`` are file lines (CSV); row: 1-based rows (Parquet, SQL)."""
    numbers: np.ndarray
    """One per row of the checked table."""

    def describe(self, rows: np.ndarray, limit: int = 3) -> str:
        """``lines 12, 15, 18 …`` for the given rows of the checked table."""
        if not len(rows) or len(self.numbers) <= int(np.max(rows)):
            return ""
        shown = ", ".join(str(int(n)) for n in self.numbers[rows[:limit]])
        word = self.kind + ("s" if len(rows) > 1 else "")
        return f"{word} {shown}" + (" …" if len(rows) > limit else "")


@dataclass(frozen=True)
class RawTable:
    """Cells as read, before any checking; columns named as found (trimmed)."""

    frame: pd.DataFrame
    origin: Origin


@dataclass
class _Check:
    mask: np.ndarray
    describe: Describe


@dataclass
class _Parsed:
    values: pd.Series
    text: pd.Series
    empty: np.ndarray
    checks: list[_Check] = field(default_factory=list)


def show(text: str, limit: int = 40) -> str:
    """A cell's text quoted for a message, shortened when long."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _text(s: pd.Series) -> pd.Series:
    """Every cell as trimmed text; missing cells as ""."""
    if isinstance(s.dtype, pd.StringDtype):  # CSV cells: already text, stay in Arrow
        return s.fillna("").str.strip().astype(TEXT_DTYPE)
    missing = s.isna().to_numpy()
    t = s.astype(object).where(~missing, "").astype(str).str.strip()
    return t.astype(TEXT_DTYPE)


def _parse_date(s: pd.Series) -> _Parsed:
    if is_datetime64_any_dtype(s.dtype):
        v = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        text = v.dt.strftime("%Y-%m-%d").fillna("")
    else:
        text = _text(s)
        v = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        retry = (v.isna() & (text != "")).to_numpy()
        if retry.any():
            day = text[retry].str.extract(_ISO_DATETIME, expand=False)
            v = v.copy()
            v[retry] = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    empty = (text == "").to_numpy()
    unparsed = v.isna().to_numpy() & ~empty
    out_of_range = ~unparsed & ~empty & ((v < _FIRST_DAY) | (v > _LAST_DAY)).to_numpy()
    values = v.where(~out_of_range).dt.normalize().astype(DATE_DTYPE)
    return _Parsed(
        values,
        text,
        empty,
        [
            _Check(unparsed, lambda t: (f"not a date: {show(t)}", "use YYYY-MM-DD")),
            _Check(
                out_of_range,
                lambda t: (f"date out of range: {show(t)}", "use a year from 1900 to 2200"),
            ),
        ],
    )


def _not_a_number(t: str) -> tuple[str, str | None]:
    hint = None
    if _DECIMAL_COMMA.match(t):
        hint = f"use a dot as the decimal separator: {t.replace(',', '.')}"
    return f"not a number: {show(t)}", hint


def _range_words(column: Column) -> str:
    lo, hi = column.minimum, column.maximum
    if lo is not None and hi is not None:
        return f"between {lo:g} and {hi:g}"
    if lo is not None:
        return f"{lo:g} or more"
    return f"{hi:g} or less"


def _parse_number(s: pd.Series, column: Column) -> _Parsed:
    if is_numeric_dtype(s.dtype) and not is_bool_dtype(s.dtype):
        v = s.astype("float64")
        text = v  # shown with :g in messages; only bad (never missing) cells are shown
        empty = v.isna().to_numpy()
    else:
        text = _text(s)
        empty = (text == "").to_numpy()
        number = text.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool)
        v = text.where(number, "nan").astype("float64")  # only well-formed cells are parsed
    arr = v.to_numpy()
    bad = ~empty & ~np.isfinite(arr)
    checks = [_Check(bad, _not_a_number)]
    ok = ~empty & ~bad
    with np.errstate(invalid="ignore"):
        huge = ok & (np.abs(arr) > MAX_MAGNITUDE)
    checks.append(
        _Check(
            huge,
            lambda t: (
                f"too large to be a measurement: {t}",
                f"values up to ±{MAX_MAGNITUDE:.0e} are read; check the unit and the export",
            ),
        )
    )
    ok &= ~huge
    with np.errstate(invalid="ignore"):
        if column.kind == "level":
            fraction = ok & (arr != np.round(arr))
            checks.append(
                _Check(
                    fraction,
                    lambda t: (f"not a whole number: {show(t)}", "levels are 0, 1, 2, 3, 4 or 5"),
                )
            )
            ok &= ~fraction
        outside = np.zeros(len(arr), dtype=bool)
        if column.minimum is not None:
            outside |= ok & (arr < column.minimum)
        if column.maximum is not None:
            outside |= ok & (arr > column.maximum)
    words = _range_words(column) if column.minimum is not None or column.maximum else ""
    checks.append(_Check(outside, lambda t: (f"must be {words}, got {t}", None)))
    return _Parsed(v, text, empty, checks)


def _parse_verb(s: pd.Series) -> _Parsed:
    text = _text(s)
    values = text.str.lower()
    empty = (text == "").to_numpy()
    unknown = ~empty & ~values.isin(VERBS).to_numpy()

    def describe(t: str) -> tuple[str, str | None]:
        allowed = "use one of " + ", ".join(VERBS)
        close = did_you_mean(t.lower(), VERBS)
        return f"unknown verb {show(t)}", f"{close} {allowed}" if close else allowed

    return _Parsed(values, text, empty, [_Check(unknown, describe)])


def _parse(column: Column, s: pd.Series) -> _Parsed:
    if column.kind == "date":
        return _parse_date(s)
    if column.kind in ("number", "level"):
        return _parse_number(s, column)
    if column.kind == "verb":
        return _parse_verb(s)
    text = _text(s)
    return _Parsed(text, text, (text == "").to_numpy())


class _Reporter:
    """Turns bad cells into problems, capped per column; looks up CSV lines once."""

    def __init__(self, origin: Origin, problems: Problems) -> None:
        self.origin = origin
        self.problems = problems
        self._lines: Sequence[int] | None = None

    def where(self, row: int) -> tuple[int | None, str]:
        o = self.origin
        if o.kind == "csv" and o.row_lines is not None:
            if self._lines is None:
                self._lines = o.row_lines()
            return self._lines[row], ""
        return None, f"row {row + 1}: "

    def cells(
        self, column: str | None, bad: np.ndarray, message: Callable[[int], tuple[str, str | None]]
    ) -> None:
        """Report the rows where ``bad``; ``message(row)`` says what is wrong with that row."""
        rows = np.flatnonzero(bad)
        name = self.origin.field_prefix + column if column else None
        for row in rows[:MAX_PER_COLUMN]:
            line, prefix = self.where(int(row))
            text, hint = message(int(row))
            self.problems.error(self.origin.file, prefix + text, line=line, field=name, hint=hint)
        if len(rows) > MAX_PER_COLUMN:
            self.problems.error(
                self.origin.file, f"… and {len(rows) - MAX_PER_COLUMN} more rows", field=name
            )


def _missing(name: str) -> Describe:
    def describe(_text: str) -> tuple[str, str | None]:
        return "missing value", f"every row needs a {name}"

    return describe


def check_columns(
    found: Sequence[str], spec: TableSpec, origin: Origin, problems: Problems
) -> bool:
    """Report missing required and unknown columns; False when a required one is missing."""
    known = spec.names
    listing = ", ".join(found) if found else "none"
    if len(found) == 1 and ";" in found[0]:
        listing += " (separate columns with commas, not semicolons)"
    ok = True
    unknown = [n for n in found if n not in known]
    for name in spec.required:
        if name not in found:
            ok = False
            close = did_you_mean(name, unknown)
            problems.error(
                origin.file,
                "missing required column",
                line=origin.header_line,
                field=origin.field_prefix + name,
                hint=(f"{close} " if close else "") + f"columns found: {listing}",
            )
    named_unknown = 0
    for name in found:
        if name in known:
            continue
        if name:
            named_unknown += 1
            if named_unknown > SHOWN_UNKNOWN_COLUMNS:
                continue
        if not name:
            problems.warning(
                origin.file,
                "a column without a name is ignored",
                line=origin.header_line,
                hint="remove the trailing separator from the header",
            )
            continue
        problems.warning(
            origin.file,
            "unknown column is ignored",
            line=origin.header_line,
            field=origin.field_prefix + name,
            hint=did_you_mean(name, [k for k in known if k not in found])
            or f"known columns: {', '.join(known)}",
        )
    rest = [n for n in unknown if n][SHOWN_UNKNOWN_COLUMNS:]
    if rest:
        shown = ", ".join(rest[:5]) + (", …" if len(rest) > 5 else "")
        problems.warning(
            origin.file,
            f"{len(rest):,} more unknown columns are ignored: {shown}",
            line=origin.header_line,
            hint=f"known columns: {', '.join(known)}",
        )
    return ok


def validate(raw: RawTable, spec: TableSpec, problems: Problems) -> pd.DataFrame:
    """Typed frame with exactly ``spec``'s columns; bad rows reported and dropped."""
    return validate_rows(raw, spec, problems)[0]


def row_places(raw: RawTable, kept: np.ndarray) -> RowPlaces:
    """Where each kept row is in its source: CSV lines, else 1-based row numbers."""
    o = raw.origin
    if o.kind == "csv" and o.row_lines is not None and len(kept):
        return RowPlaces(o.file, "line", np.asarray(o.row_lines(), dtype=np.int64)[kept])
    return RowPlaces(o.file, "row", kept.astype(np.int64) + 1)


def validate_rows(
    raw: RawTable, spec: TableSpec, problems: Problems
) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`validate`, and the positions in ``raw`` of the rows kept (for messages that
    point back at the data's lines)."""
    frame = raw.frame.reset_index(drop=True)
    found = [str(c) for c in frame.columns]
    if not check_columns(found, spec, raw.origin, problems):
        return spec.empty(), np.zeros(0, dtype=np.int64)
    reporter = _Reporter(raw.origin, problems)
    n = len(frame)
    dropped = np.zeros(n, dtype=bool)
    out: dict[str, pd.Series] = {}
    for column in spec.columns:
        if column.name not in frame.columns:
            out[column.name] = spec.default(column, n)
            continue
        parsed = _parse(column, frame[column.name])
        checks = list(parsed.checks)
        if column.required:
            checks.insert(0, _Check(parsed.empty, _missing(column.name)))
        bad = np.zeros(n, dtype=bool)
        for check in checks:
            bad |= check.mask
        text = parsed.text

        def pick(
            row: int, checks: list[_Check] = checks, text: pd.Series = text
        ) -> tuple[str, str | None]:
            value = text.iloc[row]
            cell = f"{value:g}" if isinstance(value, float) else str(value)
            return next(c.describe(cell) for c in checks if c.mask[row])

        reporter.cells(column.name, bad, pick)
        dropped |= bad
        out[column.name] = parsed.values
    result = pd.DataFrame(out, index=pd.RangeIndex(n))
    if dropped.any():
        result = result[~dropped].reset_index(drop=True)
    kept = np.flatnonzero(~dropped)
    return result.astype({c.name: c.dtype for c in spec.columns}), kept
