"""Find and read data files (CSV, Parquet) into :class:`~.validate.RawTable` cells.

CSV goes through pyarrow with every column read as text (fast); only when pyarrow
cannot parse the file, or when a problem needs a line number, the standard ``csv``
module walks the text, so line numbers are exact even with blank lines and quoted
line breaks. Nothing here checks values: see ``validate.py``.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import Problems
from .validate import MAX_PER_COLUMN, Origin, RawTable
from .xapi import XapiContext, parse_xapi

SUFFIXES = (".csv", ".parquet")
MAX_COLUMNS = 1_000
"""A wider file is refused before its rows are read: goalpath reads at most eight columns
of a table, and 20,000 unknown ones took a minute of warnings."""
_BOM = b"\xef\xbb\xbf"
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Located:
    """Where a configured data file is, after the ``.csv`` ⇄ ``.parquet`` fallback."""

    path: Path | None
    """The file to read; None when neither form exists."""
    shown: str
    """The path relative to the site, with forward slashes, as problems name it."""
    outside: bool = False
    """The path resolves outside the site folder: never read it."""


def shown_path(rel: str) -> str:
    """A configured path as problems show it: forward slashes, ``./`` removed."""
    return posixpath.normpath(rel.replace("\\", "/"))


def candidates(rel: str, also: Sequence[str] = ()) -> list[Path]:
    """The files :func:`locate` tries for a configured ``rel``, in order."""
    found = [Path(rel)]
    suffix = Path(rel).suffix.lower()
    if suffix in SUFFIXES:
        other = SUFFIXES[1 - SUFFIXES.index(suffix)]
        found.append(Path(rel).with_suffix(other))
        found += [Path(rel).with_suffix(s) for s in also if s != suffix]
    return found


def locate(root: Path, rel: str, also: Sequence[str] = ()) -> Located:
    """The configured file, or the same stem with the other suffix when only that exists
    (``also``: more suffixes to try, e.g. ``.jsonl`` for learning records)."""
    shown = shown_path(rel)
    base = root.resolve()
    for candidate in candidates(rel, also):
        full = root / candidate
        if not full.resolve().is_relative_to(base):
            return Located(None, shown_path(candidate.as_posix()), outside=True)
        if full.exists():
            return Located(full, shown_path(candidate.as_posix()))
    return Located(None, shown)


def read_bytes(path: Path, shown: str, problems: Problems) -> bytes | None:
    """The file's bytes, or one problem naming the file."""
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.error(
            shown,
            f"cannot read the file: {exc.strerror or exc}",
            hint="check that it is a file you may read",
        )
        return None


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file separates fields and writes decimals; None: detect it."""

    separator: str | None = None
    """``,``, ``;`` or a tab: the separator expected (a file whose header has another is
    read with that one); None: from the header line."""
    decimal: str | None = None
    """``.`` or ``,``; None: a comma when the separator is not one and numbers use it."""


_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_CONFIG_VALUES = {",": '","', ";": '";"', "\t": '"tab"'}
# 12,5 · -0,25 · 1.234,5 (a dot between thousands): numbers as Excel writes them in
# locales with a decimal comma.
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")


def parse(
    data: bytes,
    shown: str,
    problems: Problems,
    dialect: CsvDialect | None = None,
    xapi: XapiContext | None = None,
) -> RawTable | None:
    """Cells of a ``.csv``, ``.parquet`` or (xAPI statements) ``.jsonl`` / ``.json``
    file, by suffix; None after a problem."""
    if shown.lower().endswith((".jsonl", ".json")):
        return parse_xapi(data, shown, problems, xapi)
    if shown.lower().endswith(".parquet"):
        return parse_parquet(data, shown, problems)
    if shown.lower().endswith(".csv"):
        return parse_csv(data, shown, problems, dialect or CsvDialect())
    problems.error(
        shown,
        f"unsupported file type '{posixpath.splitext(shown)[1]}'",
        hint="use a .csv or .parquet file"
        + (", or .jsonl / .json xAPI statements" if xapi is not None else ""),
    )
    return None


def _scan(
    text: str, sep: str = ","
) -> tuple[list[str], list[list[str]], list[int], list[tuple[int, int]]]:
    """Walk the CSV text: header, rows of the header's width, their lines, and bad rows.

    Blank lines are skipped (as pyarrow does); a bad row is ``(line, fields found)``.
    """
    with _cells_up_to(len(text)):
        return _scan_rows(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


@contextmanager
def _cells_up_to(size: int) -> Iterator[None]:
    """Lift the csv module's 128 KB cell limit for one file: pyarrow reads longer cells,
    and their lines must still be found; an unclosed quote then becomes "expected 4
    fields, found 3" at the line where it opens instead of an error with no line."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _scan_rows(
    reader: Any,
) -> tuple[list[str], list[list[str]], list[int], list[tuple[int, int]]]:
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[tuple[int, int]] = []
    previous = 0
    for row in reader:
        start, previous = previous + 1, reader.line_num
        if not row:
            continue
        if header is None:
            header = row
            continue
        if len(row) != len(header):
            if len(header) > 1 and len(row) == 1 and not row[0].strip():
                continue
            bad.append((start, len(row)))
            continue
        rows.append(row)
        lines.append(start)
    return header or [], rows, lines, bad


def _row_lines(text: str, sep: str = ",") -> Sequence[int]:
    """The line each data row starts on (for a file pyarrow parsed without complaint)."""
    if '"' in text:  # quoted cells may hold line breaks: let the csv module count
        return _scan(text, sep)[2]
    lines: list[int] = []
    header = False
    for number, line in enumerate(_NEWLINE.split(text), start=1):
        if not line:
            continue
        if header:
            lines.append(number)
        header = True
    return lines


def _detect_separator(first: str) -> str:
    """The header line's separator: a comma if it has one, else a semicolon or a tab."""
    for sep in (",", ";", "\t"):
        if sep in first:
            return sep
    return ","


def _decimal_commas(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Cells that are decimal-comma numbers rewritten with a dot; whether there were any."""
    out = frame.copy()
    found = False
    for column in out.columns:
        cells = out[column].astype("str")
        hit = cells.str.strip().str.fullmatch(_DECIMAL_COMMA).fillna(False)
        if hit.any():
            found = True
            fixed = cells.str.strip().str.replace(".", "", regex=False).str.replace(",", ".")
            out[column] = cells.where(~hit, fixed)
    return out, found


def parse_csv(
    data: bytes, shown: str, problems: Problems, dialect: CsvDialect | None = None
) -> RawTable | None:
    """Cells of a CSV file as text; exact ``file:line`` problems for what cannot be parsed.

    A file whose header has no comma but semicolons or tabs is read with that separator,
    and its decimal-comma numbers as numbers, as Excel saves CSV in many locales; one
    warning says so, with the setting that makes it explicit (and silences it).
    """
    dialect = dialect or CsvDialect()
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.error(
            shown,
            f"cannot read the file: not UTF-8 text (byte 0x{data[exc.start]:02x})",
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="save it as UTF-8, e.g. 'CSV UTF-8' in Excel",
        )
        return None
    # The header decides; a configured separator only says which one is expected (and
    # silences the note), so comma files beside semicolon ones still read.
    first = next((line for line in _NEWLINE.split(text) if line.strip()), "")
    wanted = dialect.separator
    sep = wanted if wanted is not None and wanted in first else _detect_separator(first)
    try:
        header = next(
            (r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if r), []
        )
    except csv.Error as exc:
        problems.error(shown, f"cannot read the file: {exc}", line=1)
        return None
    if len(header) > MAX_COLUMNS:
        problems.error(
            shown,
            f"the header has {len(header):,} columns; goalpath reads files of up to "
            f"{MAX_COLUMNS:,} columns",
            line=1,
            hint="export only the columns goalpath reads (docs/data.md lists them)",
        )
        return None
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for name in names:
        if name in seen and name:
            problems.error(
                shown,
                "column appears twice in the header",
                line=1,
                field=name,
                hint="rename or remove one of them",
            )
            return None
        seen.add(name)
    origin = Origin(shown, "csv", header_line=1, row_lines=lambda: _row_lines(text, sep))
    if not header:
        return RawTable(pd.DataFrame(), origin)
    frame = _read_fast(data, header, sep)
    if frame is None:
        slow = _read_slow(text, shown, problems, sep)
        if slow is None:
            return None
        frame, lines = slow
        origin = Origin(shown, "csv", header_line=1, row_lines=lambda: lines)
    frame.columns = pd.Index(names)
    decimal = dialect.decimal or ("," if sep != "," else ".")
    commas = False
    if decimal == ",":
        frame, commas = _decimal_commas(frame)
    guessed_sep = sep != "," and sep != wanted
    guessed_decimal = dialect.decimal is None and commas
    if guessed_sep or guessed_decimal:
        what = f"{_SEPARATOR_NAMES[sep]}-separated values"
        settings = [f"csv_separator = {_CONFIG_VALUES[sep]}"]
        if commas:
            what += " with decimal commas"
            settings.append('csv_decimal = ","')
        problems.warning(
            shown,
            f"read as {what}, as Excel saves CSV in many locales",
            line=1,
            hint=f"to say so and silence this, set {' and '.join(settings)} under [data] in "
            "goalpath.toml; or save the file as 'CSV UTF-8 (Comma delimited)'",
        )
    return RawTable(frame, origin)


def _read_fast(data: bytes, header: list[str], sep: str = ",") -> pd.DataFrame | None:
    """pyarrow, every column as text; None when it cannot parse the file."""
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.column_names != header or any(t != pa.string() for t in table.schema.types):
        return None
    return table.to_pandas()


def _read_slow(
    text: str, shown: str, problems: Problems, sep: str = ","
) -> tuple[pd.DataFrame, list[int]] | None:
    """The ``csv`` module: exact lines; rows with the wrong number of fields are errors."""
    try:
        header, rows, lines, bad = _scan(text, sep)
    except csv.Error as exc:
        problems.error(shown, f"cannot read the file: {exc}")
        return None
    for line, found in bad[:MAX_PER_COLUMN]:
        problems.error(
            shown,
            f"expected {len(header)} fields, found {found}",
            line=line,
            hint='put quotes around values that contain commas: "Smith, Jane"',
        )
    if len(bad) > MAX_PER_COLUMN:
        problems.error(shown, f"… and {len(bad) - MAX_PER_COLUMN} more rows")
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    frame = pd.DataFrame({i: pd.Series(col, dtype="str") for i, col in enumerate(columns)})
    return frame, lines


def parse_parquet(data: bytes, shown: str, problems: Problems) -> RawTable | None:
    """Cells of a Parquet file, typed as stored; problems say ``row N``."""
    try:
        width = len(pq.read_schema(pa.BufferReader(data)).names)
        if width > MAX_COLUMNS:
            problems.error(
                shown,
                f"the file has {width:,} columns; goalpath reads files of up to "
                f"{MAX_COLUMNS:,} columns",
                hint="write only the columns goalpath reads (docs/data.md lists them)",
            )
            return None
        table = pq.read_table(pa.BufferReader(data))
        frame = table.to_pandas(date_as_object=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        problems.error(
            shown,
            f"cannot read the file: not a valid Parquet file ({first})",
            hint="write it with pandas DataFrame.to_parquet or pyarrow",
        )
        return None
    names = [str(c).strip() for c in frame.columns]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        problems.error(shown, "column appears twice", field=dup, hint="rename or remove one")
        return None
    frame.columns = pd.Index(names)
    return RawTable(frame, Origin(shown, "rows"))
