"""Read the frozen reviews' files, ``reviews/*.json`` (written by ``goalpath review
freeze``): each file named after a review period, at most 10 MB, valid JSON. What the
JSON must hold is checked by ``analysis/frozen.py`` (``decode_frozen``), which knows the
review's shape.

A file that cannot be read is an error naming the file (and, for JSON syntax, the line
and column) with how to fix it: restore it from Git or freeze the period again. The
review inside is never repaired or guessed at: it is what leaders were told.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problems

FOLDER = "reviews"
"""The frozen reviews' folder in the site folder (beside ``content/`` and ``data/``)."""
MAX_BYTES = 10_000_000
HINT = (
    "a frozen review is written by `goalpath review freeze`; restore the file from Git "
    "(git checkout -- {file}) or freeze the period again (goalpath review freeze "
    "--period {label} --force)"
)
_LABEL = re.compile(r"^\d{4}-(?:\d{2}|Q[1-4]|W\d{2})$")


@dataclass(frozen=True)
class FrozenFile:
    """One frozen review's file as read: its period label (the file name), the file
    relative to the site folder, its text and its parsed JSON."""

    label: str
    source: str
    text: str
    data: Any

    @property
    def hint(self) -> str:
        return HINT.format(file=self.source, label=self.label)


def frozen_files(root: Path) -> list[Path]:
    folder = root / FOLDER
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def read_frozen_files(root: Path, problems: Problems) -> list[FrozenFile]:
    """Every readable ``reviews/*.json``, by name; problems for the others."""
    out: list[FrozenFile] = []
    for path in frozen_files(root):
        rel = path.relative_to(root).as_posix()
        label = path.stem
        hint = HINT.format(file=rel, label=label)
        if not _LABEL.match(label):
            problems.error(
                rel,
                f"'{label}' is not a review period (2026-10, 2026-Q3 or 2026-W41)",
                hint="frozen reviews are named after their period: reviews/<period>.json",
            )
            continue
        try:
            if path.stat().st_size > MAX_BYTES:
                problems.error(rel, f"larger than {MAX_BYTES // 1_000_000} MB", hint=hint)
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.error(rel, f"cannot read the frozen review: {exc}", hint=hint)
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.error(
                rel, f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno, hint=hint
            )
            continue
        except RecursionError:
            problems.error(rel, "not a frozen review: nested too deeply", hint=hint)
            continue
        out.append(FrozenFile(label, rel, text, data))
    return out
