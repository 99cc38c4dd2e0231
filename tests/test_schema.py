"""Editor support (issue 13): ``goalpath schema`` writes JSON Schemas of the goal, path and
page front-matter from the models ``goalpath check`` validates with. Checked with a real
JSON Schema validator (``jsonschema``, draft 2020-12): valid schemas; every example file
passes; the mistakes authors make are flagged, as ``check`` flags them."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from generator.cli import main
from generator.commands.schema import KINDS, front_matter_schema
from generator.errors import Problems
from generator.load.config import SiteConfig
from generator.load.content import SourceDoc
from generator.model.validate import validate_site

REPO = Path(__file__).resolve().parents[1]


def _as_editor_reads(value: Any) -> Any:
    """YAML as an editor's language server sees it: dates are strings (YAML 1.2)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_reads(v) for v in value]
    return value


def _front(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---\n")) or {}


def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(
        front_matter_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _errors(kind: str, meta: dict[str, Any]) -> list[str]:
    return [e.message for e in _validator(kind).iter_errors(_as_editor_reads(meta))]


def test_the_command_writes_three_valid_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--site", str(REPO), "--out", str(tmp_path / "s")]) == 0
    assert "Editor support" in capsys.readouterr().err
    for kind in KINDS:
        schema = json.loads((tmp_path / "s" / f"{kind}.schema.json").read_text("utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema == json.loads(json.dumps(front_matter_schema(kind)))
        described = [p for p in schema["properties"].values() if p.get("description")]
        assert len(described) == len(schema["properties"]), kind


@pytest.mark.parametrize("kind", KINDS)
def test_every_example_file_passes_its_schema(kind: str) -> None:
    files = sorted((REPO / "content" / f"{kind}s").glob("*.md"))
    assert files
    for path in files:
        assert _errors(kind, _front(path)) == [], path.name


GOAL: dict[str, Any] = {
    "title": "Cut errors",
    "owner": "Head of Nursing",
    "kpi": {
        "metric": "errors",
        "direction": "decrease",
        "baseline": {"value": 4.3, "date": dt.date(2025, 12, 31)},
        "target": {"value": 3.9, "date": dt.date(2027, 6, 30)},
    },
    "leading_indicators": ["course_completion", {"metric": "x", "direction": "increase"}],
    "actions": ["Train", {"title": "Audit", "training": False}],
}


def _with(**changes: Any) -> dict[str, Any]:
    meta = copy.deepcopy(GOAL)
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return meta


MISTAKES = {
    "unknown field": _with(colour="red"),
    "missing title": _with(title=None),
    "no kpi": _with(kpi=None),
    "kpi and kpis": _with(kpis=[GOAL["kpi"]]),
    "bad direction": _with(kpi={**GOAL["kpi"], "direction": "down"}),
    "text for a number": _with(
        kpi={**GOAL["kpi"], "target": {"value": "lots", "date": "2027-06-30"}}
    ),
    "not a date": _with(kpi={**GOAL["kpi"], "target": {"value": 3.9, "date": "June"}}),
    "confidence out of range": _with(checkins=[{"date": "2026-01-05", "confidence": 11}]),
    "skill level out of range": _with(skills={"listening": 7}),
    "id not a slug": _with(id="Cut Errors"),
    "weight zero": _with(kpi=None, kpis=[{**GOAL["kpi"], "weight": 0}]),
}


def _check_says_error(meta: dict[str, Any]) -> bool:
    problems = Problems()
    doc = SourceDoc(
        kind="goals", rel="content/goals/g.md", stem="g", meta=meta, body="", body_line=1
    )
    validate_site({"goals": [doc]}, SiteConfig(), problems)
    return bool(problems.items)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_the_editor_flags_what_check_flags(name: str) -> None:
    meta = MISTAKES[name]
    assert _check_says_error(meta), f"check accepts {name}"
    assert _errors("goal", meta), f"the schema accepts {name}"


def test_what_check_accepts_the_schema_accepts() -> None:
    assert not _check_says_error(GOAL)
    assert _errors("goal", GOAL) == []
    okr = _with(kpi=None, kpis=[{**GOAL["kpi"], "weight": 2}, {**GOAL["kpi"], "metric": "b"}])
    assert not _check_says_error(okr)
    assert _errors("goal", okr) == []
    page = {"title": "About", "weight": 3, "tags": ["a"], "date": dt.date(2026, 1, 1)}
    assert _errors("page", page) == []
