"""The docs quote the example site's numbers; these tests keep the quotes true.

docs/api.md shows the example's ``reduce-medication-errors`` record and three CSV rows
(rewritten by scripts/refresh_api_docs.py); docs/analysis.md states the example's
progress, status and estimates in its examples.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.analysis.progress import STATUS_LABELS
from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    for name in ("content", "data", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "goalpath.toml", root / "goalpath.toml")
    assert main(["build", "--site", str(root), "--quiet"]) == 0
    return root / "build"


def _block(doc: str, intro: str, lang: str) -> str:
    m = re.search(re.escape(intro) + r"\n\n```" + lang + r"\n(.*?)\n```", doc, re.S)
    assert m is not None, intro
    return m.group(1)


def test_api_docs_quote_the_example_record(example: Path) -> None:
    doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    quoted = json.loads(_block(doc, "The complete record of `reduce-medication-errors`:", "json"))
    goals = json.loads((example / "api" / "goals.json").read_text(encoding="utf-8"))["goals"]
    (built,) = [g for g in goals if g["id"] == "reduce-medication-errors"]
    assert quoted == built, "run scripts/refresh_api_docs.py after a build"


def test_api_docs_quote_the_example_csv_rows(example: Path) -> None:
    doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    quoted = list(csv.reader(io.StringIO(_block(doc, "Three rows of the example site:", "csv"))))
    text = (example / "api" / "goals.csv").read_text(encoding="utf-8")
    built = {r[0]: r for r in csv.reader(io.StringIO(text))}
    assert quoted[0] == built["id"]
    for row in quoted[1:]:
        assert row == built[row[0]], "run scripts/refresh_api_docs.py after a build"


def _kpi(example: Path, goal: str) -> dict:
    goals = json.loads((example / "api" / "goals.json").read_text(encoding="utf-8"))["goals"]
    (g,) = [x for x in goals if x["id"] == goal]
    return {"status": g["status"], **g["kpi"], "impact": g["impact"]}


@pytest.mark.parametrize(
    ("goal", "progress", "expected", "status"),
    [
        ("reduce-medication-errors", 34, 36, "on-track"),
        ("grow-dach-revenue", 39, 65, "at-risk"),
        ("raise-line-efficiency", 4, 47, "off-track"),
        ("reduce-lost-time-accidents", 38, 20, "on-track"),
    ],
)
def test_analysis_docs_state_the_example_status(
    example: Path, goal: str, progress: int, expected: int, status: str
) -> None:
    k = _kpi(example, goal)
    assert (round(k["progress"] * 100), round(k["expected_progress"] * 100)) == (progress, expected)
    assert k["status"] == status
    doc = (REPO / "docs" / "analysis.md").read_text(encoding="utf-8")
    assert f"{progress}% against {expected}%" in doc


def test_analysis_docs_state_the_example_estimates(example: Path) -> None:
    doc = (REPO / "docs" / "analysis.md").read_text(encoding="utf-8")
    meds = _kpi(example, "reduce-medication-errors")
    i = meds["impact"]
    row = (
        f"−{abs(i['estimate']):.2f} (−{abs(i['ci_low']):.2f} to −{abs(i['ci_high']):.2f}) "
        f"errors / 1000 doses"
    )
    assert row in doc and i["evidence"] == "moderate"
    f = (meds["forecast"], meds["forecast_low"], meds["forecast_high"])
    assert f"{f[0]:.2f} per 1,000 doses on 30 June 2027" in doc
    assert f"(95% band {f[1]:.2f} to {f[2]:.2f})" in doc
    assert f"average 4.17 (95% interval {meds['level_low']:.2f} to {meds['level_high']:.2f}" in doc


def test_content_docs_state_each_example_goals_status(example: Path) -> None:
    doc = (REPO / "docs" / "content.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| `([a-z0-9-]+)` \| (on track|at risk|off track|achieved|no data|not started|stale data) \|",
        doc,
        re.M,
    )
    goals = json.loads((example / "api" / "goals.json").read_text(encoding="utf-8"))["goals"]
    built = {g["id"]: STATUS_LABELS[g["status"]].lower() for g in goals}
    assert {goal for goal, _ in rows} == set(built)
    for goal, status in rows:
        assert built[goal] == status, goal


def test_goal_page_names_its_leading_indicators_and_their_direction(example: Path) -> None:
    page = (example / "goals" / "reduce-medication-errors" / "index.html").read_text("utf-8")
    assert (
        "<dt>Leading indicators</dt><dd>Double check rate (should rise), course completion, "
        "assessment score</dd>"
    ) in page
    assert "metric=" not in page and "direction=" not in page


def test_leading_indicators_get_a_panel_per_unit_and_a_line_per_cohort(example: Path) -> None:
    page = (example / "goals" / "reduce-medication-errors" / "index.html").read_text("utf-8")
    specs = {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(
            r'<script type="application/json" id="(leading[^"]*)-spec">(.*?)</script>', page, re.S
        )
    }
    assert list(specs) == ["leading-chart", "leading-2-chart", "leading-3-chart"]
    completion, score, checks = (specs[k]["datasets"]["leading"] for k in specs)
    assert {r["indicator"] for r in completion} == {
        "Ward 4A (internal medicine) nurses",
        "Ward 4B (cardiology) nurses",
    }
    assert {r["indicator"] for r in score} == {"Mean assessment score"}
    assert {r["indicator"] for r in checks} == {"Double check rate"}
    assert specs["leading-3-chart"]["encoding"]["y"]["scale"] == {"zero": False}
    domains = {json.dumps(s["encoding"]["x"]["scale"]["domain"]) for s in specs.values()}
    assert len(domains) == 1  # one time axis for every panel
    # no cohort's line falls because another cohort enrolled
    ward_4a = [r["value"] for r in completion if r["indicator"].startswith("Ward 4A")]
    assert ward_4a == sorted(ward_4a)


def test_the_example_site_checks_clean_even_strictly() -> None:
    from tests.test_cli import run

    code, out, err = run("check", "--site", str(REPO), "--strict")
    assert (code, err.strip()) == (0, "no problems")
