"""xAPI statements, as a learning record store exports them, into learning-table cells.

Reads ``.jsonl`` (one statement a line) or ``.json`` (an array of statements, or an LRS
``{"statements": [...]}`` response) and returns the same :class:`~.validate.RawTable` a
CSV gives, so ``validate.py`` checks the cells and every later stage is unchanged.

The mapping (docs/content.md, "xAPI statements"):

- **learner**: from ``actor`` — ``mbox``, ``mbox_sha1sum``, ``openid`` or ``account``
  (``homePage`` + ``name``) — hashed (sha256, 16 hex digits): never shown, and the raw
  e-mail address never leaves this module;
- **verb**: from the ADL verb IRIs (``http://adlnet.gov/expapi/verbs/…`` or
  ``https://w3id.org/xapi/adl/verbs/…``): registered → enrolled; launched, initialized,
  attempted → started; completed, passed, failed as they are; commented, answered or
  responded on a reflection activity → reflected. Other verbs are not counted (one
  warning per verb, with its lines);
- **activity**: the last path segment of ``object.id``;
- **path** and **cohort**: the last path segments of the ids in
  ``context.contextActivities.parent`` and ``.grouping`` that are path and cohort ids of
  the site (or the values of the context extensions named in ``goalpath.toml``);
- **score**: ``result.score.scaled`` × 100, else ``raw`` / ``max`` × 100, else ``raw``;
- **duration_min**: ``result.duration`` (ISO 8601, ``PT45M``) in minutes;
- **date**: the date of ``timestamp`` as written (the learner's local day).

A statement that is not JSON or lacks actor, verb, object or timestamp is an error at
its line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import Problems
from .validate import MAX_PER_COLUMN, Origin, RawTable

VERB_BASES = ("http://adlnet.gov/expapi/verbs/", "https://w3id.org/xapi/adl/verbs/")
"""Verb IRI prefixes whose last segment is read (the ADL vocabulary, old and new)."""
VERB_MAP: dict[str, str] = {
    "registered": "enrolled",
    "launched": "started",
    "initialized": "started",
    "attempted": "started",
    "completed": "completed",
    "passed": "passed",
    "failed": "failed",
}
"""ADL verb → learning-table verb."""
REFLECTION_VERBS = ("commented", "answered", "responded")
"""Verbs that count as ``reflected`` on a reflection activity."""
COLUMNS = ("date", "learner", "activity", "verb", "path", "cohort", "score", "duration_min")
_DURATION = re.compile(
    r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)


@dataclass(frozen=True)
class XapiContext:
    """What the site knows that the statements only point at."""

    paths: frozenset[str] = frozenset()
    """Path ids."""
    cohorts: frozenset[str] = frozenset()
    """Cohort ids."""
    reflections: frozenset[str] = frozenset()
    """Ids of reflection activities."""
    path_extension: str = ""
    """A context extension IRI whose value is the path id (``data.xapi_path_extension``)."""
    cohort_extension: str = ""
    """A context extension IRI whose value is the cohort id."""


@dataclass
class _Ignored:
    lines: list[int] = field(default_factory=list)


def last_segment(iri: str) -> str:
    """``https://lms.example.com/activities/double-check-drill`` → ``double-check-drill``."""
    text = iri.strip().split("?", 1)[0]
    if "#" in text and text.split("#", 1)[1]:
        return text.split("#", 1)[1]
    return re.split(r"[/:]", text.split("#", 1)[0].rstrip("/"))[-1]


def _learner(actor: Any) -> str | None:
    """A stable pseudonym for the actor; None when it names nobody."""
    if not isinstance(actor, dict):
        return None
    for key in ("mbox", "mbox_sha1sum", "openid"):
        value = actor.get(key)
        if isinstance(value, str) and value.strip():
            who = f"{key}:{value.strip().lower()}"
            break
    else:
        account = actor.get("account")
        if not isinstance(account, dict) or not account.get("name"):
            return None
        who = f"account:{str(account.get('homePage', '')).strip()}|{account['name']}"
    return hashlib.sha256(who.encode("utf-8")).hexdigest()[:16]


def _score(result: Any) -> str:
    score = result.get("score") if isinstance(result, dict) else None
    if not isinstance(score, dict):
        return ""
    scaled, raw, top = score.get("scaled"), score.get("raw"), score.get("max")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool):
        return f"{scaled * 100:g}"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(top, int | float) and top and not isinstance(top, bool):
            return f"{raw / top * 100:g}"
        return f"{raw:g}"
    return ""


def _minutes(result: Any) -> str:
    text = result.get("duration") if isinstance(result, dict) else None
    if not isinstance(text, str):
        return ""
    m = _DURATION.fullmatch(text.strip())
    if m is None or not any(m.groupdict().values()):
        return ""
    parts = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    total = parts["d"] * 1440 + parts["h"] * 60 + parts["m"] + parts["s"] / 60
    return f"{total:g}"


def _day(timestamp: Any) -> str | None:
    if not isinstance(timestamp, str) or not timestamp.strip():
        return None
    try:
        return (
            dt.datetime.fromisoformat(timestamp.strip().replace("Z", "+00:00")).date().isoformat()
        )
    except ValueError:
        try:
            return dt.date.fromisoformat(timestamp.strip()[:10]).isoformat()
        except ValueError:
            return None


def _context_ids(context: Any) -> list[str]:
    if not isinstance(context, dict):
        return []
    acts = context.get("contextActivities")
    out: list[str] = []
    if isinstance(acts, dict):
        for key in ("parent", "grouping", "other", "category"):
            items = acts.get(key) or []
            if isinstance(items, dict):
                items = [items]
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    out.append(last_segment(item["id"]))
    return out


def _extension(context: Any, iri: str) -> str:
    if not iri or not isinstance(context, dict):
        return ""
    ext = context.get("extensions")
    value = ext.get(iri) if isinstance(ext, dict) else None
    return str(value).strip() if isinstance(value, str | int) else ""


def _statements(text: str, shown: str, jsonl: bool) -> Iterator[tuple[int, Any, str | None]]:
    """(line, statement, error) for each statement in the text."""
    if jsonl:
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw), None
            except json.JSONDecodeError as exc:
                yield number, None, f"not a JSON statement: {exc.msg}"
        return
    decoder = json.JSONDecoder()
    start = re.search(r'"statements"\s*:\s*\[', text)
    pos = start.end() if start else text.find("[") + 1
    if pos <= 0:
        yield 1, None, "not a JSON array of statements"
        return
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield line, None, f"not valid JSON: {exc.msg}"
            return
        yield line, value, None


def parse_xapi(
    data: bytes, shown: str, problems: Problems, context: XapiContext | None = None
) -> RawTable | None:
    """Cells of the learning table from xAPI statements (see the module docstring)."""
    ctx = context or XapiContext()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(
            shown,
            f"cannot read the file: not UTF-8 text (byte 0x{data[exc.start]:02x})",
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="export the statements as UTF-8 JSON",
        )
        return None
    rows: dict[str, list[str]] = {c: [] for c in COLUMNS}
    lines: list[int] = []
    ignored: dict[str, _Ignored] = {}
    bad = 0
    jsonl = shown.lower().endswith(".jsonl")
    for line, statement, error in _statements(text, shown, jsonl):
        if error is None:
            error = _why_malformed(statement)
        if error is not None:
            bad += 1
            if bad <= MAX_PER_COLUMN:
                problems.error(
                    shown,
                    error,
                    line=line,
                    hint="each statement needs actor, verb, object and timestamp (xAPI 1.0.3)",
                )
            continue
        verb_iri = statement["verb"]["id"]
        name = last_segment(verb_iri) if verb_iri.startswith(VERB_BASES) else verb_iri
        activity = last_segment(statement["object"]["id"])
        verb = VERB_MAP.get(name)
        if verb is None and name in REFLECTION_VERBS and activity in ctx.reflections:
            verb = "reflected"
        if verb is None:
            ignored.setdefault(name, _Ignored()).lines.append(line)
            continue
        context = statement.get("context")
        found = _context_ids(context)
        path = _extension(context, ctx.path_extension) or next(
            (i for i in found if i in ctx.paths), activity if activity in ctx.paths else ""
        )
        cohort = _extension(context, ctx.cohort_extension) or next(
            (i for i in found if i in ctx.cohorts), ""
        )
        result = statement.get("result")
        cells = {
            "date": _day(statement["timestamp"]) or "",
            "learner": _learner(statement["actor"]) or "",
            "activity": activity,
            "verb": verb,
            "path": path,
            "cohort": cohort,
            "score": _score(result),
            "duration_min": _minutes(result),
        }
        for k, v in cells.items():
            rows[k].append(v)
        lines.append(line)
    if bad > MAX_PER_COLUMN:
        problems.error(shown, f"… and {bad - MAX_PER_COLUMN} more statements")
    for name, seen in sorted(ignored.items()):
        shown_lines = ", ".join(map(str, seen.lines[:3])) + (" …" if len(seen.lines) > 3 else "")
        n = len(seen.lines)
        word = "statement" if n == 1 else "statements"
        hint = (
            "only a reflection activity's comments count as reflections"
            if name in REFLECTION_VERBS
            else "counted verbs: registered, launched, initialized, attempted, completed, "
            "passed, failed, and commented/answered on a reflection activity"
        )
        problems.warning(
            shown,
            f"{n} {word} with verb '{name}' not counted (lines {shown_lines})",
            line=seen.lines[0],
            field="verb",
            hint=hint,
        )
    frame = pd.DataFrame({c: pd.Series(v, dtype="str") for c, v in rows.items()})
    origin = Origin(shown, "csv", header_line=None, row_lines=lambda: lines)
    return RawTable(frame, origin)


def _why_malformed(statement: Any) -> str | None:
    if not isinstance(statement, dict):
        return "not an xAPI statement (expected a JSON object)"
    if _learner(statement.get("actor")) is None:
        return "the statement's actor has no mbox, mbox_sha1sum, openid or account"
    verb = statement.get("verb")
    if not isinstance(verb, dict) or not isinstance(verb.get("id"), str) or not verb["id"]:
        return "the statement has no verb id"
    obj = statement.get("object")
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not obj["id"]:
        return "the statement's object has no id"
    if _day(statement.get("timestamp")) is None:
        return f"the statement's timestamp is missing or not a date: {statement.get('timestamp')!r}"
    return None
