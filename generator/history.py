"""Load each goal plan's change history from Git: an audit trail for targets.

Two git processes for the whole site, whatever its size: one ``git log`` listing
the commits that touched ``content/goals/``, one ``git cat-file --batch`` reading
every version of those files. For each commit we say which of baseline, target
and deadline changed, from what to what. Not a Git checkout, or no git: no history.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TRACKED = {
    ("kpi", "baseline"): "baseline",
    ("kpi", "target", "value"): "target",
    ("kpi", "target", "date"): "deadline",
    ("title",): "title",
    ("owner",): "owner",
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class HistoryEntry:
    commit: str
    date: dt.date
    author: str
    message: str
    changes: tuple[Change, ...]
    """Tracked fields that this commit changed (empty: narrative or other edits)."""
    created: bool = False


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _front_matter(text: str) -> dict[str, Any]:
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
        data = yaml.safe_load("\n".join(lines[1:end]))
    except (StopIteration, yaml.YAMLError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _get(data: dict[str, Any], path: tuple[str, ...]) -> str | None:
    cur: Any = data
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
    if isinstance(cur, dict):  # baseline: {value, date} or {window}
        return ", ".join(f"{k} {v}" for k, v in cur.items())
    return None if cur is None else str(cur)


def goal_history(root: Path, folder: str = "content/goals") -> dict[str, list[HistoryEntry]] | None:
    """History per goal file stem, newest first; None when the site is not in Git."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    log = _git(
        root,
        "log",
        "--no-renames",
        "--format=%x1e%H%x1f%as%x1f%an%x1f%s",
        "--name-status",
        "--",
        folder,
    )
    if log is None:
        return None
    commits: list[tuple[str, str, str, str, list[tuple[str, str]]]] = []
    for block in log.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, rest = block.partition("\n")
        sha, date, author, subject = (head.split("\x1f") + ["", "", ""])[:4]
        files = []
        for line in rest.splitlines():
            if "\t" in line:
                status, path = line.split("\t", 1)
                if path.endswith(".md"):
                    files.append((status[:1], path))
        commits.append((sha, date, author, subject, files))
    # Read every version in one batch: "<sha>:<path>" (paths are relative to the repo top,
    # as git log prints them, so a site in a subfolder of a repository works too).
    wanted = [f"{sha}:{path}" for sha, *_, files in commits for st, path in files if st != "D"]
    blobs = _read_blobs(root, wanted)
    versions: dict[str, list[tuple[tuple[str, str, str, str], dict[str, Any] | None]]] = {}
    for sha, date, author, subject, files in reversed(commits):  # oldest first
        for status, path in files:
            stem = Path(path).stem
            data = None if status == "D" else _front_matter(blobs.get(f"{sha}:{path}", ""))
            versions.setdefault(stem, []).append(((sha, date, author, subject), data))
    out: dict[str, list[HistoryEntry]] = {}
    for stem, items in versions.items():
        entries: list[HistoryEntry] = []
        previous: dict[str, Any] | None = None
        for (sha, date, author, subject), data in items:
            changes = []
            if data is not None and previous is not None:
                for path, name in TRACKED.items():
                    old, new = _get(previous, path), _get(data, path)
                    if old != new:
                        changes.append(Change(name, old, new))
            entries.append(
                HistoryEntry(
                    sha[:10],
                    dt.date.fromisoformat(date),
                    author,
                    subject,
                    tuple(changes),
                    created=previous is None and data is not None,
                )
            )
            previous = data
        out[stem] = list(reversed(entries))
    return out


def _read_blobs(root: Path, specs: list[str]) -> dict[str, str]:
    if not specs:
        return {}
    raw = _git(root, "cat-file", "--batch", stdin=("\n".join(specs) + "\n").encode())
    if raw is None:
        return {}
    out: dict[str, str] = {}
    pos = 0
    for spec in specs:
        nl = raw.index(b"\n", pos)
        header = raw[pos:nl].decode()
        pos = nl + 1
        if header.endswith("missing"):
            continue
        size = int(header.rsplit(" ", 1)[1])
        out[spec] = raw[pos : pos + size].decode("utf-8", "replace")
        pos += size + 1
    return out
