"""xAPI statements as an LRS exports them (generator/data/xapi.py) read like the CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from generator.data import load_dataset
from generator.data.xapi import XapiContext, last_segment
from generator.errors import Problems
from generator.load.config import DataConfig
from tests.sitekit import MINIMAL_SITE
from tests.test_cli import run

LMS = "https://lms.example.com/xapi"
VERB_IRI = {
    "enrolled": "http://adlnet.gov/expapi/verbs/registered",
    "started": "http://adlnet.gov/expapi/verbs/launched",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "reflected": "http://adlnet.gov/expapi/verbs/commented",
}


def statement(row: dict[str, str], n: int) -> dict[str, Any]:
    """One learning-table row as a full statement, the way an LRS stores it."""
    verb = row["verb"].lower()
    out: dict[str, Any] = {
        "id": f"6f0c1b9e-0000-4000-8000-{n:012d}",
        "actor": {
            "objectType": "Agent",
            "name": f"Learner {row['learner']}",
            "account": {"homePage": "https://lms.example.com", "name": row["learner"]},
        },
        "verb": {"id": VERB_IRI[verb], "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": f"{LMS}/activities/{row['activity']}",
            "definition": {"name": {"en-US": row["activity"]}},
        },
        "context": {
            "registration": f"0e5c2f3a-0000-4000-8000-{n:012d}",
            "contextActivities": {
                "parent": [{"objectType": "Activity", "id": f"{LMS}/paths/{row['path']}"}],
                "grouping": [{"objectType": "Activity", "id": f"{LMS}/cohorts/{row['cohort']}"}],
            },
        },
        "timestamp": f"{row['date']}T09:15:00.000Z",
        "stored": f"{row['date']}T09:15:01.234Z",
        "authority": {"objectType": "Agent", "account": {"homePage": LMS, "name": "lrs"}},
        "version": "1.0.3",
    }
    result: dict[str, Any] = {}
    if row.get("score"):
        result["score"] = {"scaled": float(row["score"]) / 100, "raw": float(row["score"])}
        result["success"] = verb == "passed"
    if row.get("duration_min"):
        result["duration"] = f"PT{int(float(row['duration_min']))}M"
    if result:
        out["result"] = result
    return out


def statements_of(csv_text: str) -> list[dict[str, Any]]:
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    return [statement(r, i) for i, r in enumerate(rows)]


def test_last_segment_of_activity_ids() -> None:
    assert last_segment("https://lms.example.com/xapi/activities/double-check-drill") == (
        "double-check-drill"
    )
    assert last_segment("https://lms.example.com/activities/intro/") == "intro"
    assert last_segment("https://lms.example.com/course#final-check") == "final-check"
    assert last_segment("urn:acme:activity:exam?attempt=2") == "exam"


@pytest.mark.parametrize("form", ["jsonl", "json", "lrs"])
def test_the_same_records_as_statements_give_the_same_figures(make_site, form: str) -> None:
    """The minimal site built from data/learning.csv and from its records as xAPI
    statements (.jsonl, a .json array, an LRS {"statements": […]} response) agree."""
    csv_root = make_site()
    assert run("build", "--site", str(csv_root), "-q")[0] == 0
    want = json.loads((csv_root / "build/api/goals.json").read_text(encoding="utf-8"))
    shutil_rmtree(csv_root)

    statements = statements_of(str(MINIMAL_SITE["data/learning.csv"]))
    if form == "jsonl":
        name, body = "learning.jsonl", "\n".join(json.dumps(s) for s in statements) + "\n"
    elif form == "json":
        name, body = "learning.json", json.dumps(statements, indent=2)
    else:
        name, body = "learning.json", json.dumps({"statements": statements, "more": ""}, indent=1)
    root = make_site({f"data/{name}": body})
    (root / "data/learning.csv").unlink()  # data/learning.csv → data/learning.jsonl / .json
    code, _, err = run("build", "--site", str(root), "-q")
    assert code == 0, err
    got = json.loads((root / "build/api/goals.json").read_text(encoding="utf-8"))
    assert [g["learning"] for g in got["goals"]] == [g["learning"] for g in want["goals"]]
    assert any(g["learning"] for g in got["goals"])  # there is something to compare


def shutil_rmtree(root: Path) -> None:
    import shutil

    shutil.rmtree(root)


def _load(tmp_path: Path, body: str, name: str = "learning.jsonl", **settings: Any) -> Any:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / name).write_text(body, encoding="utf-8")
    problems = Problems()
    config = DataConfig(learning=f"data/{name}", **settings)
    context = XapiContext(
        paths=frozenset({"safe-med"}),
        cohorts=frozenset({"ward-a"}),
        reflections=frozenset({"reflect"}),
    )
    data = load_dataset(tmp_path, config, problems, xapi=context)
    return data, [p.format() for p in problems if "no KPI data" not in p.message]


def _line(**kw: Any) -> str:
    base: dict[str, Any] = {
        "actor": {"mbox": "mailto:Ana.Silva@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": f"{LMS}/activities/intro"},
        "context": {
            "contextActivities": {
                "parent": [{"id": f"{LMS}/paths/safe-med"}],
                "grouping": [{"id": f"{LMS}/cohorts/ward-a"}],
            }
        },
        "timestamp": "2026-02-02T23:30:00-05:00",
    }
    base.update(kw)
    return json.dumps(base)


def test_each_field_of_a_statement(tmp_path: Path) -> None:
    body = "\n".join(
        [
            _line(),  # line 1
            _line(
                actor={"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
                verb={"id": "https://w3id.org/xapi/adl/verbs/passed"},
                object={"id": f"{LMS}/activities/final"},
                result={"score": {"raw": 42, "max": 50}, "duration": "PT1H30M"},
            ),
            _line(
                actor={"account": {"homePage": "https://lms", "name": "u-17"}},
                verb={"id": "http://adlnet.gov/expapi/verbs/commented"},
                object={"id": f"{LMS}/activities/reflect"},
            ),
            _line(verb={"id": "http://adlnet.gov/expapi/verbs/registered"}),
        ]
    )
    data, problems = _load(tmp_path, body)
    assert problems == []
    rows = data.learning
    assert rows["verb"].tolist() == ["completed", "passed", "reflected", "enrolled"]
    assert rows["activity"].tolist() == ["intro", "final", "reflect", "intro"]
    assert set(rows["path"]) == {"safe-med"} and set(rows["cohort"]) == {"ward-a"}
    assert rows["date"].dt.strftime("%Y-%m-%d").tolist()[0] == "2026-02-02"  # local day
    assert rows["score"].tolist()[1] == pytest.approx(84.0)  # raw / max × 100
    assert rows["duration_min"].tolist()[1] == pytest.approx(90.0)
    # learners are pseudonyms: the same person is one learner, no address survives
    learners = rows["learner"].tolist()
    assert learners[0] == learners[3] and len(set(learners)) == 3
    assert not any("@" in w or "ana" in w.lower() for w in learners)


def test_extensions_named_in_the_config_give_path_and_cohort(tmp_path: Path) -> None:
    ext = {
        "https://acme.example/xapi/cohort": "ward-a",
        "https://acme.example/xapi/path": "safe-med",
    }
    body = _line(context={"extensions": ext})
    data, problems = _load(
        tmp_path,
        body,
        xapi_path_extension="https://acme.example/xapi/path",
        xapi_cohort_extension="https://acme.example/xapi/cohort",
    )
    assert problems == []
    assert (data.learning["path"].tolist(), data.learning["cohort"].tolist()) == (
        ["safe-med"],
        ["ward-a"],
    )


def test_unknown_verbs_and_malformed_statements_are_positioned(tmp_path: Path) -> None:
    body = "\n".join(
        [
            _line(),
            _line(verb={"id": "http://adlnet.gov/expapi/verbs/experienced"}),
            "{not json",
            _line(verb={"id": "http://adlnet.gov/expapi/verbs/experienced"}),
            _line(actor={"name": "nobody"}),
            _line(timestamp="yesterday"),
            _line(verb={"id": "http://adlnet.gov/expapi/verbs/answered"}),  # not a reflection
        ]
    )
    data, problems = _load(tmp_path, body)
    assert len(data.learning) == 1
    assert problems == [
        "data/learning.jsonl:3: not a JSON statement: Expecting property name enclosed in "
        "double quotes (each statement needs actor, verb, object and timestamp (xAPI 1.0.3))",
        "data/learning.jsonl:5: the statement's actor has no mbox, mbox_sha1sum, openid or "
        "account (each statement needs actor, verb, object and timestamp (xAPI 1.0.3))",
        "data/learning.jsonl:6: the statement's timestamp is missing or not a date: "
        "'yesterday' (each statement needs actor, verb, object and timestamp (xAPI 1.0.3))",
        "data/learning.jsonl:7: warning: verb: 1 statement with verb 'answered' not counted "
        "(lines 7) (only a reflection activity's comments count as reflections)",
        "data/learning.jsonl:2: warning: verb: 2 statements with verb 'experienced' not "
        "counted (lines 2, 4) (counted verbs: registered, launched, initialized, attempted, "
        "completed, passed, failed, and commented/answered on a reflection activity)",
    ]


def test_a_json_array_names_the_line_each_statement_starts_on(tmp_path: Path) -> None:
    good = json.loads(_line())
    bad = dict(good, verb={"id": ""})
    body = json.dumps([good, bad], indent=2)
    _, problems = _load(tmp_path, body, name="learning.json")
    starts = [i + 1 for i, text in enumerate(body.splitlines()) if text == "  {"]
    line = starts[1]  # the second statement's opening brace
    assert problems == [
        f"data/learning.json:{line}: the statement has no verb id (each statement needs "
        "actor, verb, object and timestamp (xAPI 1.0.3))"
    ]
