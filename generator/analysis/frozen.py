"""Frozen reviews: a period's review kept as it was told, and what has changed since.

``goalpath review freeze`` writes a period's :class:`reviews.Review` (every figure and
sentence it showed) to ``reviews/<period>.json`` in the site folder, to be committed. A
build shows a frozen period from that file, never recomputed, and lists where today's
plan and data give other figures for the same period (:func:`changes_since`): a
corrected data point or a moved target no longer rewrites what the review told.

This module turns a review into JSON-ready values and back (:func:`to_json`,
:func:`from_json`) and compares a frozen review with the live one. Pure: the file is
read in ``load/frozen.py`` and written by the ``review freeze`` command.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin, get_type_hints

from ..errors import Problems
from ..load.frozen import FOLDER, FrozenFile
from ..text import fmt_num, fmt_pct, stable_floats
from .progress import STATUS_LABELS
from .reviews import GoalChange, Review, parse_label

FORMAT = 1
"""The file format's version, written as ``"goalpath_review"``; a file of a newer
format is refused with a message rather than misread."""


@dataclass(frozen=True)
class FrozenReview:
    """One frozen review as read from its file."""

    review: Review
    frozen_on: dt.date
    """When ``goalpath review freeze`` wrote it."""
    source: str
    """The file, relative to the site folder (``reviews/2026-10.json``)."""
    version: str = ""
    """The goalpath that froze it."""


@dataclass(frozen=True)
class FrozenNote:
    """What a frozen review's page says about itself."""

    frozen_on: dt.date
    source: str
    changes: tuple[str, ...]
    """Where today's plan and data give other figures for the period, one sentence each;
    empty when they agree."""
    compared: bool
    """False when there is no live review to compare with (another cadence, or the
    period has no data any more)."""


# ---------------------------------------------------------------- to and from JSON


def to_json(frozen: FrozenReview) -> dict[str, Any]:
    """The file's content: the format, when and by what it was frozen, and the review."""
    return {
        "goalpath_review": FORMAT,
        "period": frozen.review.period.label,
        "cadence": frozen.review.cadence,
        "frozen_on": frozen.frozen_on.isoformat(),
        "goalpath": frozen.version,
        "review": _encode(frozen.review),
    }


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return stable_floats(value) if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


class FrozenFormatError(ValueError):
    """A frozen review file that does not hold what ``review freeze`` writes."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def from_json(data: Any, source: str) -> FrozenReview:
    """The :class:`FrozenReview` in a file's parsed JSON; :class:`FrozenFormatError`
    naming the field when something is missing, extra or of the wrong type."""
    if not isinstance(data, dict):
        raise FrozenFormatError("", "the file does not hold a JSON object")
    fmt = data.get("goalpath_review")
    if fmt != FORMAT:
        if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
            raise FrozenFormatError(
                "goalpath_review",
                f"written in format {fmt} by a newer goalpath; this one reads format {FORMAT}",
            )
        raise FrozenFormatError(
            "goalpath_review", f"not a frozen review (goalpath_review should be {FORMAT})"
        )
    frozen_on = _decode(dt.date, data.get("frozen_on"), "frozen_on")
    review = _decode(Review, data.get("review"), "review")
    for name in ("period", "cadence"):
        if name in data and data[name] != (
            review.period.label if name == "period" else review.cadence
        ):
            raise FrozenFormatError(name, f"{name} does not match the review inside the file")
    version = data.get("goalpath", "")
    return FrozenReview(review, frozen_on, source, version if isinstance(version, str) else "")


def _decode(tp: Any, value: Any, where: str) -> Any:
    origin = get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in get_args(tp) if a is not type(None)]
        if value is None and len(args) < len(get_args(tp)):
            return None
        return _decode(args[0], value, where)
    if origin is Literal:
        if value not in get_args(tp):
            allowed = ", ".join(str(a) for a in get_args(tp))
            raise FrozenFormatError(where, f"{value!r} is not one of {allowed}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise FrozenFormatError(where, "should be a list")
        (arg,) = get_args(tp)
        return [_decode(arg, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise FrozenFormatError(where, "should be an object")
        _, arg = get_args(tp)
        return {str(k): _decode(arg, v, f"{where}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise FrozenFormatError(where, "should be an object")
        hints = get_type_hints(tp)
        fields = {f.name: f for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - set(fields))
        if unknown:
            raise FrozenFormatError(f"{where}.{unknown[0]}", f"unknown field {unknown[0]}")
        kwargs = {}
        for name, f in fields.items():
            if name not in value:
                if (
                    f.default is not dataclasses.MISSING
                    or f.default_factory is not dataclasses.MISSING
                ):
                    continue
                raise FrozenFormatError(f"{where}.{name}", f"{name} is missing")
            kwargs[name] = _decode(hints[name], value[name], f"{where}.{name}")
        return tp(**kwargs)  # type: ignore[operator]
    if tp is dt.date:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise FrozenFormatError(where, f"{value!r} is not a date like 2026-10-31")
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise FrozenFormatError(where, f"{value!r} is not a number")
    if tp in (int, str, bool):
        if isinstance(value, tp) and (tp is bool or not isinstance(value, bool)):
            return value
        kind = {int: "a whole number", str: "text", bool: "true or false"}[tp]
        raise FrozenFormatError(where, f"{json.dumps(value)} is not {kind}")
    raise FrozenFormatError(where, f"cannot read a {tp!r}")  # a field type added later


def _line_of(text: str, field: str) -> int | None:
    """The line of the field's last key in the file, roughly (its first occurrence): a
    pointer for the message, not a parser."""
    key = re.findall(r"[A-Za-z_]+", field.split(".")[-1].split("[")[0])
    if not key:
        return None
    m = re.search(r'"' + re.escape(key[0]) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def decode_frozen(files: list[FrozenFile], problems: Problems) -> dict[str, FrozenReview]:
    """Period label → frozen review, for every file that holds one (``load/frozen.py``
    read them); an error naming file, line and field for each that does not."""
    out: dict[str, FrozenReview] = {}
    for f in files:
        if parse_label(f.label) is None:
            problems.error(f.source, f"'{f.label}' is not a review period", hint=f.hint)
            continue
        try:
            frozen = from_json(f.data, f.source)
        except FrozenFormatError as exc:
            problems.error(
                f.source,
                str(exc),
                line=_line_of(f.text, exc.field),
                field=exc.field or None,
                hint=f.hint,
            )
            continue
        if frozen.review.period.label != f.label:
            problems.error(
                f.source,
                f"the file is named {f.label} but holds the review of {frozen.review.period.label}",
                field="period",
                line=_line_of(f.text, "period"),
                hint=f"rename it to {FOLDER}/{frozen.review.period.label}.json",
            )
            continue
        out[f.label] = frozen
    return out


# ---------------------------------------------------------------- what changed since


def _same(a: float | None, b: float | None, rel: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def _digits(a: float | None, b: float | None) -> int:
    """Significant digits enough to tell ``a`` from ``b`` (3 at least, 7 at most): a
    correction from 61.975 to 62.025 reads as such, not as "62 → 62"."""
    if a is None or b is None:
        return 3
    for d in range(3, 8):
        if fmt_num(a, d) != fmt_num(b, d):
            return d
    return 7


def _value(v: float | None, unit: str, digits: int = 3) -> str:
    if v is None:
        return "no figure"
    return fmt_num(v, digits) + (f" {unit}" if unit else "")


def _figures(new: float | None, old: float | None, unit: str) -> tuple[str, str]:
    d = _digits(new, old)
    return _value(new, unit, d), _value(old, unit, d)


def _goal_changes(old: GoalChange, new: GoalChange, frozen: Review) -> list[str]:
    out: list[str] = []
    name = f"“{old.title}”"
    if not _same(old.value_now, new.value_now):
        today, told = _figures(new.value_now, old.value_now, old.unit)
        out.append(
            f"{name}: the {frozen.period.title} figure is {today} in today's data; "
            f"the review showed {told}."
        )
    if not _same(old.value_then, new.value_then):
        today, told = _figures(new.value_then, old.value_then, old.unit)
        out.append(
            f"{name}: the {frozen.previous.title} figure is {today} in today's data; "
            f"the review showed {told}."
        )
    if old.status_now != new.status_now:
        out.append(
            f"{name}: today's data and plan put it at "
            f"{STATUS_LABELS.get(new.status_now, new.status_now).lower()} for "
            f"{frozen.period.title}; the review said "
            f"{STATUS_LABELS.get(old.status_now, old.status_now).lower()}."
        )
    same_values = _same(old.value_now, new.value_now)
    if same_values and not _same(old.progress_now, new.progress_now, 1e-3):
        out.append(
            f"{name}: progress for {frozen.period.title} is {fmt_pct(new.progress_now)} against "
            f"today's plan; the review showed {fmt_pct(old.progress_now)} (its baseline or "
            "target has changed)."
        )
    if not _same(old.expected_now, new.expected_now, 1e-3):
        out.append(
            f"{name}: today's plan expects {fmt_pct(new.expected_now)} of the way by the end "
            f"of {frozen.period.title}; the plan then expected {fmt_pct(old.expected_now)}."
        )
    now_krs = {kr.metric: kr for kr in new.key_results}
    for kr in old.key_results[1:]:  # the first is the headline, compared above
        other = now_krs.get(kr.metric)
        if other is None:
            out.append(f"{name}: its key result “{kr.kpi_label}” is no longer in the plan.")
        elif not _same(kr.value_now, other.value_now):
            today, told = _figures(other.value_now, kr.value_now, kr.unit)
            out.append(
                f"{name}, {kr.kpi_label}: the {frozen.period.title} figure is {today} in "
                f"today's data; the review showed {told}."
            )
    if (old.kpi_label, old.unit) != (new.kpi_label, new.unit):
        out.append(f"{name}: its KPI is now {new.kpi_label}; the review showed {old.kpi_label}.")
    return out


def changes_since(frozen: Review, live: Review | None) -> list[str]:
    """Where ``live`` (today's plan and data, the same period) differs from ``frozen``,
    one sentence each, in the frozen review's order."""
    if live is None:
        return []
    out: list[str] = []
    now = {g.goal: g for g in live.goals}
    for old in frozen.goals:
        new = now.get(old.goal)
        if new is None:
            out.append(f"“{old.title}” is no longer in the plan (or its id changed).")
        else:
            out += _goal_changes(old, new, frozen)
    was = {g.goal for g in frozen.goals}
    for g in live.goals:
        if g.goal not in was:
            out.append(
                f"“{g.title}” is not in this review: it was added to the plan after the "
                "review was frozen."
            )
    impacts = {(i.goal, i.cohort): i for i in live.new_impacts}
    for old_i in frozen.new_impacts:
        new_i = impacts.get((old_i.goal, old_i.cohort))
        if new_i is None:
            continue  # today's data may first estimate it in another period
        if not _same(old_i.estimate, new_i.estimate, 1e-6) or old_i.evidence != new_i.evidence:
            today, told = _figures(new_i.estimate, old_i.estimate, old_i.unit)
            out.append(
                f"“{old_i.goal_title}”, {old_i.cohort_label}: the impact estimate is "
                f"{today} ({new_i.evidence} evidence) in today's data; the review showed "
                f"{told} ({old_i.evidence})."
            )
    paths = {lc.path: lc for lc in live.learning}
    for old_lc in frozen.learning:
        new_lc = paths.get(old_lc.path)
        if new_lc is None or old_lc.hidden or new_lc.hidden:
            continue
        if old_lc.completed_now != new_lc.completed_now:
            out.append(
                f"“{old_lc.title}”: {new_lc.completed_now} learners completed it by the end of "
                f"{frozen.period.title} in today's records; the review showed "
                f"{old_lc.completed_now}."
            )
    return out


def note_for(frozen: FrozenReview, live: Review | None) -> FrozenNote:
    """The note a frozen review's page shows: when it was frozen, and what changed."""
    comparable = live is not None and live.cadence == frozen.review.cadence
    return FrozenNote(
        frozen.frozen_on,
        frozen.source,
        tuple(changes_since(frozen.review, live)) if comparable else (),
        comparable,
    )
