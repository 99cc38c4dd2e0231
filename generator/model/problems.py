"""Problems at a front-matter field: pydantic's errors in the words an author needs
(``_MESSAGES``, ``_HINTS``), a "did you mean" for a misspelt name, and one helper that
adds a problem at a field's file:line:column."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import Problems
from ..load.content import FieldPath, SourceDoc, dotted
from ..text import did_you_mean

if TYPE_CHECKING:
    from ..data.dataset import Dataset

_MESSAGES = {
    "missing": "required field is missing",
    "float_parsing": "must be a number, got {input!r}",
    "float_type": "must be a number, got {input!r}",
    "finite_number": "must be a finite number, got {input!r}",
    "int_parsing": "must be a whole number, got {input!r}",
    "int_type": "must be a whole number, got {input!r}",
    "int_from_float": "must be a whole number, got {input!r}",
    "bool_parsing": "must be true or false, got {input!r}",
    "bool_type": "must be true or false, got {input!r}",
    "string_type": "must be text, got {input!r}",
    "list_type": "must be a list, got {input!r}",
    "tuple_type": "must be a list of two dates, got {input!r}",
    "too_short": "must not be empty",
    "too_long": "has too many items",
    "dict_type": "must be a mapping (key: value), got {input!r}",
    "model_type": "must be a mapping of fields, got {input!r}",
    "model_attributes_type": "must be a mapping of fields, got {input!r}",
    "string_too_short": "must not be empty",
    "greater_than_equal": "must be at least {ge}, got {input!r}",
    "less_than_equal": "must be at most {le}, got {input!r}",
}


_HINTS = {
    "missing": "add it to the front-matter; see docs/content.md",
    "date": "write dates as YYYY-MM-DD, e.g. 2027-03-31",
    "float": "write a plain number such as 3.78, without units",
    "list": "write [a, b] or one '- item' per line",
    "string_type": "put the text in quotes",
    "finite_number": "write a plain number such as 48 or 3.78, not .inf, .nan or 1e400",
}


def friendly(err: Mapping[str, Any]) -> tuple[str, str | None]:
    kind = str(err["type"])
    inp = err.get("input")
    ctx = dict(err.get("ctx") or {})
    if kind.startswith(("date", "datetime")):
        return f"not a date: {inp!r}", _HINTS["date"]
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [o.strip() for o in expected.replace(" or ", ",").split(",") if o.strip()]
        hint = did_you_mean(str(inp), options) or f"use one of: {', '.join(options)}"
        return f"must be one of {', '.join(options)}, got {inp!r}", hint
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, "), None
    template: str | None = _MESSAGES.get(kind)
    if template is None:
        return str(err["msg"]), None
    try:
        msg = template.format(input=inp, **ctx)
    except (KeyError, IndexError):
        msg = template
    return msg, _HINTS.get(kind) or _HINTS.get(kind.split("_")[0])


SHOWN_OPTIONS = 6
"""Ids listed in a hint when none is close."""


def listing(options: Iterable[str]) -> str:
    opts = sorted({o for o in options if o})
    shown = ", ".join(f"'{o}'" for o in opts[:SHOWN_OPTIONS])
    return shown + (f" and {len(opts) - SHOWN_OPTIONS} more" if len(opts) > SHOWN_OPTIONS else "")


def error_at(
    problems: Problems, doc: SourceDoc, path: FieldPath, message: str, hint: str | None = None
) -> None:
    """An error at the line, column and field of ``path`` in ``doc``."""
    _at(problems.error, doc, path, message, hint)


def warning_at(
    problems: Problems, doc: SourceDoc, path: FieldPath, message: str, hint: str | None = None
) -> None:
    """A warning at the line, column and field of ``path`` in ``doc``."""
    _at(problems.warning, doc, path, message, hint)


def _at(add: Any, doc: SourceDoc, path: FieldPath, message: str, hint: str | None) -> None:
    pos = doc.where(path)
    add(
        doc.rel,
        message,
        line=pos.line if pos else None,
        column=pos.column if pos else None,
        field=dotted(path),
        hint=hint,
    )


def source_of(dataset: Dataset, table: str) -> str:
    """The file (or SQL source) a data table came from, as messages name it."""
    return str(dataset.sources.get(table) or f"the {table} data")
