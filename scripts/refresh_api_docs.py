"""Rewrite the example blocks of docs/api.md from a build of the example site.

docs/api.md quotes the example's ``reduce-medication-errors`` record of api/goals.json
and three rows of api/goals.csv; tests/test_docs_example.py fails when they drift from
what the site computes. Run ``goalpath build`` first, then ``python scripts/refresh_api_docs.py``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "api.md"
RECORD_ID = "reduce-medication-errors"
CSV_IDS = ("faster-onboarding", "grow-dach-revenue", "raise-line-efficiency")
RECORD_BLOCK = re.compile(
    r"(The complete record of `reduce-medication-errors`:\n\n```json\n)(.*?)(\n```)", re.S
)
CSV_BLOCK = re.compile(r"(Three rows of the example site:\n\n```csv\n)(.*?)(\n```)", re.S)


def record_text(build: Path) -> str:
    goals = json.loads((build / "api" / "goals.json").read_text(encoding="utf-8"))["goals"]
    (record,) = [g for g in goals if g["id"] == RECORD_ID]
    return json.dumps(record, indent=2, ensure_ascii=False)


def csv_text(build: Path) -> str:
    text = (build / "api" / "goals.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    writer.writerows(r for r in rows[1:] if r[0] in CSV_IDS)
    return out.getvalue().rstrip("\n")


def main() -> int:
    build = ROOT / "build"
    doc = DOC.read_text(encoding="utf-8")
    doc = RECORD_BLOCK.sub(lambda m: m.group(1) + record_text(build) + m.group(3), doc)
    doc = CSV_BLOCK.sub(lambda m: m.group(1) + csv_text(build) + m.group(3), doc)
    DOC.write_text(doc, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
