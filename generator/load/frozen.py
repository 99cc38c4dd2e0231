"""Read the frozen reviews in ``reviews/*.json`` (written by ``goalpath review freeze``).

A file that cannot be read as a frozen review is an error naming the file, the line
and the field, with how to fix it: restore it from Git or freeze the period again. The
review inside is never repaired or guessed at: it is what leaders were told.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..analysis.frozen import FrozenFormatError, FrozenReview, from_json
from ..analysis.reviews import parse_label
from ..errors import Problems

FOLDER = "reviews"
"""The frozen reviews' folder in the site folder (beside ``content/`` and ``data/``)."""
MAX_BYTES = 10_000_000
_HINT = (
    "a frozen review is written by `goalpath review freeze`; restore the file from Git "
    "(git checkout -- {file}) or freeze the period again (goalpath review freeze "
    "--period {label} --force)"
)


def frozen_files(root: Path) -> list[Path]:
    folder = root / FOLDER
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _line_of(text: str, field: str) -> int | None:
    """The line of the field's last key in the file (``review.goals[2].value_now`` →
    the first ``"value_now"`` after the third goal, roughly): a pointer, not a parser."""
    key = re.findall(r"[A-Za-z_]+", field.split(".")[-1].split("[")[0])
    if not key:
        return None
    m = re.search(r'"' + re.escape(key[0]) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def load_frozen_reviews(root: Path, problems: Problems) -> dict[str, FrozenReview]:
    """Period label → frozen review, for every readable file in ``reviews/``."""
    out: dict[str, FrozenReview] = {}
    for path in frozen_files(root):
        rel = path.relative_to(root).as_posix()
        label = path.stem
        hint = _HINT.format(file=rel, label=label)
        if parse_label(label) is None:
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
        try:
            frozen = from_json(data, rel)
        except FrozenFormatError as exc:
            problems.error(
                rel, str(exc), line=_line_of(text, exc.field), field=exc.field or None, hint=hint
            )
            continue
        if frozen.review.period.label != label:
            problems.error(
                rel,
                f"the file is named {label} but holds the review of {frozen.review.period.label}",
                field="period",
                line=_line_of(text, "period"),
                hint=f"rename it to {FOLDER}/{frozen.review.period.label}.json",
            )
            continue
        out[label] = frozen
    return out
