"""Load each goal plan's change history from Git: an audit trail for targets.

Three git processes for the whole site, whatever its size: ``rev-parse`` (is this a
checkout, and which commit is ``HEAD``: while it stays, :class:`GoalHistory` answers
from memory), one ``git log`` listing the commits that touched ``content/goals/``,
one ``git cat-file --batch`` reading every version of those files. For each commit
we say which of baseline, target and deadline (and title, owner, milestones)
changed, from what to what. Not a Git checkout, or no
git: no history, and no error. Uncommitted edits are not history yet.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .content import split_front_matter

log = logging.getLogger(__name__)

TRACKED: dict[tuple[str, ...], str] = {
    ("kpi", "baseline"): "baseline",
    ("kpi", "target", "value"): "target",
    ("kpi", "target", "date"): "deadline",
    ("kpi", "milestones"): "milestones",
    ("title",): "title",
    ("owner",): "owner",
}
"""Front-matter fields whose changes a history entry spells out, and their names."""

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml when present: parsing every old version is most of the cost (10× faster)."""


@dataclass(frozen=True)
class Change:
    field: str
    """``baseline``, ``target``, ``deadline``, ``milestones``, ``title`` or ``owner``."""
    old: str | None
    """The value before this commit, as text; None when the field was absent."""
    new: str | None
    """The value after this commit; None when the field was removed."""


@dataclass(frozen=True)
class HistoryEntry:
    commit: str
    """Abbreviated commit id (10 hex digits)."""
    date: dt.date
    """Author date."""
    author: str
    message: str
    """The commit's subject line."""
    changes: tuple[Change, ...]
    """Tracked fields that this commit changed (empty: narrative or other edits)."""
    created: bool = False
    """This commit added the file."""
    deleted: bool = False
    """This commit removed the file (it came back later)."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("git %s failed: %s", args[0], exc)
        return None
    if done.returncode != 0:
        log.debug("git %s: %s", args[0], done.stderr.decode("utf-8", "replace").strip())
        return None
    return done.stdout


def _front_matter_text(text: str) -> str | None:
    split = split_front_matter(text)
    if split is None or split[1] is None:
        return None
    lines, end = split
    return "\n".join(lines[1:end])


_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def _tracked(front: str | None) -> str | None:
    """The top-level entries of the front matter that :data:`TRACKED` reads, as text.

    Comparing these texts first skips parsing every version whose target did not move
    (most edits); parsing a dozen lines instead of the whole front matter does the rest.
    Falls back to the whole text when anything (an anchor, a document marker) is unusual.
    """
    if front is None:
        return None
    wanted = {path[0] for path in TRACKED}
    keep: list[str] = []
    taking = False
    for line in front.split("\n"):
        if line[:1].strip() and not line.startswith("#"):  # a top-level line
            m = _TOP_KEY.match(line)
            if m is None:
                return front
            taking = m.group(1) in wanted
        if taking:
            keep.append(line)
    text = "\n".join(keep)
    return front if "&" in text or "*" in text or "<<" in text else text


def _parse(front: str | None) -> dict[str, Any]:
    if front is None:
        return {}
    try:
        data = yaml.load(front, Loader=_LOADER)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError):
        return {}  # a broken old version: compare as if empty
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str:
    if isinstance(value, dict):  # baseline: {value, date} or {window: [a, b]}
        if set(value) <= {"value", "date"} and "value" in value:
            return f"{_text(value['value'])}" + (
                f" on {_text(value['date'])}" if "date" in value else ""
            )
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return str(value)


def _get(data: dict[str, Any], path: tuple[str, ...]) -> str | None:
    cur: Any = data
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    return None if cur is None else _text(cur)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[Change, ...]:
    out = []
    for path, name in TRACKED.items():
        a, b = _get(old, path), _get(new, path)
        if a != b:
            out.append(Change(name, a, b))
    return tuple(out)


_DELETED = "\x00"
"""Marks a version that a commit deleted (no front matter can be this string)."""

Commit = tuple[str, str, str, str]
"""(sha, ISO date, author, subject)."""


def _log(root: Path, folder: str) -> list[tuple[Commit, list[tuple[str, str, str]]]] | None:
    """Commits touching ``folder``, newest first, each with (status, new blob id, path)."""
    raw = _git(
        root,
        "-c",
        "core.quotePath=false",
        "log",
        "--no-renames",
        "--relative",
        "--format=%x1e%H%x1f%as%x1f%an%x1f%s",
        "--raw",
        "--no-abbrev",
        "--",
        folder,
    )
    if raw is None:
        return None
    commits = []
    for block in raw.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, rest = block.partition("\n")
        sha, date, author, subject = (head.split("\x1f") + ["", "", ""])[:4]
        files = []
        for line in rest.splitlines():
            # ":100644 100644 <old blob> <new blob> M\tcontent/goals/x.md"
            info, tab, path = line.partition("\t")
            fields = info.split()
            if line.startswith(":") and tab and len(fields) >= 5 and path.endswith(".md"):
                files.append((fields[4][:1], fields[3], path))
        if files:
            commits.append(((sha, date, author, subject), files))
    return commits


def goal_history(
    root: Path,
    goals: Mapping[str, str] | None = None,
    folder: str = "content/goals",
) -> dict[str, list[HistoryEntry]] | None:
    """Each goal's history, newest first; None when the site is not in a Git checkout.

    ``goals`` maps a goal file's path relative to ``root`` (``content/goals/x.md``) to
    the goal's id; files not in it (deleted goals) are left out. Without it, the
    history is keyed by file stem. Paths are taken relative to ``root``, so a site in
    a subfolder of a repository works too.
    """
    return GoalHistory().read(root, goals, folder)


class GoalHistory:
    """:func:`goal_history` that remembers its last answer while ``HEAD`` stays put.

    A ``SiteBuilder`` keeps one, so a rebuild in ``goalpath serve`` costs one
    ``git rev-parse`` (a few ms) instead of reading the whole history again.
    """

    def __init__(self) -> None:
        self._last: tuple[Any, dict[str, list[HistoryEntry]] | None] | None = None

    def read(
        self,
        root: Path,
        goals: Mapping[str, str] | None = None,
        folder: str = "content/goals",
    ) -> dict[str, list[HistoryEntry]] | None:
        head = _git(root, "rev-parse", "--show-prefix", "HEAD")
        if head is None:  # not a checkout, no git, or no commit yet
            self._last = None
            return None
        key = (str(root), folder, head, None if goals is None else sorted(goals.items()))
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        history = _read_history(root, goals, folder)
        self._last = (key, history)
        return history


def _read_history(
    root: Path, goals: Mapping[str, str] | None, folder: str
) -> dict[str, list[HistoryEntry]] | None:
    commits = _log(root, folder)
    if commits is None:
        return None

    def key(path: str) -> str | None:
        return goals.get(path) if goals is not None else Path(path).stem

    # Every version of the goals we show, read in one batch by blob id (each once).
    wanted = {blob for _, files in commits for st, blob, path in files if st != "D" and key(path)}
    blobs = _read_blobs(root, sorted(wanted))
    tracked = {blob: _tracked(_front_matter_text(text)) for blob, text in blobs.items()}
    versions: dict[str, list[tuple[Commit, str | None]]] = {}
    for commit, files in reversed(commits):  # oldest first
        for status, blob, path in files:
            gid = key(path)
            if gid is not None:
                text = _DELETED if status == "D" else tracked.get(blob)
                versions.setdefault(gid, []).append((commit, text))
    return {gid: _entries(items) for gid, items in versions.items()}


def _entries(items: list[tuple[Commit, str | None]]) -> list[HistoryEntry]:
    """One file's tracked front-matter texts, oldest first → its entries, newest first.

    Versions are parsed only where the tracked text changed, each at most once.
    """
    entries: list[HistoryEntry] = []
    prev_text: str | None = _DELETED  # before the first commit: no file
    prev_data: dict[str, Any] | None = None  # parsed when first needed
    for (sha, date, author, subject), text in items:
        deleted = text == _DELETED
        created = prev_text == _DELETED and not deleted
        changes: tuple[Change, ...] = ()
        if created or deleted:
            prev_data = None
        elif text != prev_text:
            data = _parse(text)
            changes = _changes(prev_data if prev_data is not None else _parse(prev_text), data)
            prev_data = data
        entries.append(
            HistoryEntry(
                sha[:10],
                _date(date),
                author,
                subject,
                changes,
                created=created,
                deleted=deleted,
            )
        )
        prev_text = text
    return list(reversed(entries))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.date(1970, 1, 1)


def _read_blobs(root: Path, specs: list[str]) -> dict[str, str]:
    """Object name → its text, from one ``git cat-file --batch``."""
    if not specs:
        return {}
    raw = _git(root, "cat-file", "--batch", stdin=("\n".join(specs) + "\n").encode())
    if raw is None:
        return {}
    out: dict[str, str] = {}
    pos = 0
    for spec in specs:
        nl = raw.find(b"\n", pos)
        if nl < 0:
            break
        header = raw[pos:nl].decode("utf-8", "replace")
        pos = nl + 1
        if header.endswith((" missing", " ambiguous")):
            continue
        size = int(header.rsplit(" ", 1)[1])
        out[spec] = raw[pos : pos + size].decode("utf-8", "replace")
        pos += size + 1
    return out
