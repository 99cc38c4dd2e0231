"""`check` and `build` catch every mismatch between content and data (generator/references.py).

Each case is one typo a new user made in an export or a front matter, which used to give
"no problems" and then a false page ("passed 0", "no current skill level", "no data").
"""

from __future__ import annotations

import json
from typing import Any

from generator.cli import main
from generator.text import closest, normalise
from tests.sitekit import MINIMAL_SITE
from tests.test_cli import run


def check_json(root: Any) -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = run("check", "--site", str(root), "--format", "json")
    return code, json.loads(out)


def only(problems: list[dict[str, Any]], file: str, field: str) -> dict[str, Any]:
    found = [p for p in problems if p["file"] == file and p["field"] == field]
    assert len(found) == 1, problems
    return found[0]


def replaced(rel: str, old: str, new: str) -> dict[str, str]:
    text = str(MINIMAL_SITE[rel])
    assert old in text, old
    return {rel: text.replace(old, new)}


def test_closest_reads_case_spaces_and_separators_alike() -> None:
    assert normalise("CRM navigation") == normalise("crm_navigation") == "crm-navigation"
    assert closest("Contact Centre Agents", ["contact-centre-agents", "reps"]) == (
        "contact-centre-agents"
    )
    assert closest("final_qa", ["final-qa", "intro"]) == "final-qa"
    assert closest("depot-eats", ["depot-east", "depot-west"]) == "depot-east"
    assert closest("zzz", ["intro", "exam"]) is None
    # a numbered family's other member is not a misspelling
    assert closest("skill-28", ["skill-8"]) is None
    assert closest("goal-0198", ["goal-0199"]) is None


def test_the_minimal_site_has_no_reference_warning(make_site) -> None:
    code, problems = check_json(make_site())
    assert (code, problems) == (0, [])  # clean, so each test's one typo is all it sees


def test_an_activity_id_spelt_differently_in_the_data(make_site) -> None:
    learning = str(MINIMAL_SITE["data/learning.csv"]).replace(",exam,", ",exam_final,")
    paths = replaced("content/paths/selling.md", "{id: exam,", "{id: exam-final,")
    root = make_site({"data/learning.csv": learning, **paths})
    code, problems = check_json(root)
    assert code == 0  # a warning; --strict makes it fail
    p = only(problems, "content/paths/selling.md", "activities[1].id")
    assert p["severity"] == "warning" and p["line"] == 9
    assert p["message"] == (
        "data/learning.csv has 8 rows with activity 'exam_final' (lines 5, 9, 13 …), which "
        "path 'selling' does not have; those rows count for nothing"
    )
    assert p["hint"] == "did you mean 'exam-final'? Use one spelling here and in data/learning.csv"
    assert run("check", "--site", str(root), "--strict")[0] == 1
    # the build says so too, and still builds (a warning is not an error)
    code, _, err = run("build", "--site", str(root))
    assert code == 0 and "activity 'exam_final'" in err


def test_every_row_of_a_cohort_misspelt(make_site) -> None:
    learning = str(MINIMAL_SITE["data/learning.csv"]).replace(",north,", ",Nort,")
    code, problems = check_json(make_site({"data/learning.csv": learning}))
    p = only(problems, "content/paths/selling.md", "cohorts[0].id")
    assert p["message"].startswith(
        "data/learning.csv has 32 rows with cohort 'Nort' (lines 2, 3, 4 …)"
    )
    assert p["hint"].startswith("did you mean 'north'?")


def test_a_path_no_file_defines(make_site) -> None:
    learning = str(MINIMAL_SITE["data/learning.csv"]).replace(",selling,", ",xyzzy,")
    code, problems = check_json(make_site({"data/learning.csv": learning}))
    p = only(problems, "data/learning.csv", "path")
    assert p["line"] == 2
    assert p["message"] == (
        "32 rows name path 'xyzzy', which no file in content/paths/ defines; those rows "
        "count for nothing (lines 2, 3, 4 …)"
    )
    assert "add content/paths/xyzzy.md" in p["hint"]


def test_a_target_group_and_a_skill_spelt_unlike_the_skills_data(make_site) -> None:
    skills = "person,skill,level,team,date\n" + "".join(
        f"p{n},crm-navigation,2,contact-centre-agents,2026-01-01\n" for n in range(6)
    )
    goal = replaced(
        "content/goals/grow-sales.md",
        "target_groups: [reps]",
        "target_groups: [Contact Centre Agents]\n        skills: {CRM navigation: 3}",
    )
    path = replaced(
        "content/paths/selling.md",
        "{id: intro, title: Intro course, kind: course, week: 1, hours: 2}",
        "{id: intro, title: Intro course, kind: course, week: 1, hours: 2, skills: [crm-navigation]}",
    )
    code, problems = check_json(make_site({"data/skills.csv": skills, **goal, **path}))
    team = only(problems, "content/goals/grow-sales.md", "target_groups[0]")
    assert team["message"] == (
        "no skill records for team 'Contact Centre Agents' in data/skills.csv; its skills gap "
        "would show no current level"
    )
    assert team["hint"] == "did you mean 'contact-centre-agents'?"
    skill = [p for p in problems if p["field"] == "skills.CRM navigation"]
    assert [p["message"] for p in skill] == [
        "no skill records for 'CRM navigation' in data/skills.csv; its gap would show no "
        "current level",
        "no path teaches 'CRM navigation', but path 'selling' teaches 'crm-navigation'; the "
        "page would say no path teaches it",
    ]
    assert skill[0]["hint"] == "did you mean 'crm-navigation'?"


def test_a_cohort_kpi_group_spelt_unlike_the_kpi_data(make_site) -> None:
    path = replaced(
        "content/paths/selling.md",
        "{id: north, name: North team, start: 2025-09-01, size: 8}",
        "{id: north, name: North team, start: 2025-09-01, size: 8, group: nrth}",
    )
    code, problems = check_json(make_site(path))
    p = only(problems, "content/paths/selling.md", "cohorts[0].group")
    assert p["message"] == (
        "cohort 'north' reads KPI group 'nrth', but data/kpis.csv has no 'sales_per_rep' rows "
        "for it (goal 'grow-sales'); the cohort gets no impact estimate"
    )
    assert p["hint"] == "did you mean 'north'?"


def test_a_goal_kpi_group_and_control_group_unlike_the_kpi_data(make_site) -> None:
    goal = replaced(
        "content/goals/grow-sales.md",
        "  direction: increase\n",
        "  direction: increase\n          group: nort\n",
    )
    goal = {k: v.replace("control_group: south", "control_group: sout") for k, v in goal.items()}
    kpis = str(MINIMAL_SITE["data/kpis.csv"]) + "2026-06-15,other,1.0,sout\n"
    code, problems = check_json(make_site({**goal, "data/kpis.csv": kpis}))
    g = only(problems, "content/goals/grow-sales.md", "kpi.group")
    assert g["message"] == (
        "data/kpis.csv has no 'sales_per_rep' rows for group 'nort'; the goal would show 'no data'"
    )
    assert g["hint"] == "did you mean 'north'?"
    c = only(problems, "content/goals/grow-sales.md", "monitoring.control_group")
    assert c["message"] == (
        "data/kpis.csv has no 'sales_per_rep' rows for the control group 'sout'; no "
        "difference-in-differences can use it"
    )
    assert c["hint"] == "did you mean 'south'?"


def test_kpi_data_that_ended_months_ago_is_stale_in_check(make_site) -> None:
    config = str(MINIMAL_SITE["goalpath.toml"]).replace("as_of = 2026-06-30", "as_of = 2026-12-31")
    code, problems = check_json(make_site({"goalpath.toml": config}))
    p = only(problems, "content/goals/grow-sales.md", "kpi.metric")
    assert p["severity"] == "warning"
    assert p["message"] == (
        "the latest 'sales_per_rep' figure in data/kpis.csv is from 2026-06, 6 months before "
        "the report date 2026-12-31; the goal shows 'stale data'"
    )
    assert p["hint"].startswith("add newer rows to data/kpis.csv")
    out = make_site({"goalpath.toml": config}) / "build"
    assert main(["build", "--site", str(out.parent), "--quiet"]) == 0
    page = (out / "goals" / "grow-sales" / "index.html").read_text(encoding="utf-8")
    assert "Stale data" in page  # what check warned of is what the page says


def test_a_kpi_not_collected_yet_warns_only_after_its_data_from(make_site) -> None:
    goal = str(MINIMAL_SITE["content/goals/company.md"])
    pending = goal.replace("data_from: 2027-01-01", "data_from: 2026-09-01")
    assert pending != goal
    code, problems = check_json(make_site({"content/goals/company.md": pending}))
    assert [p for p in problems if p["field"] == "kpi.metric"] == []  # as of 2026-06-30
    late = pending.replace("data_from: 2026-09-01", "data_from: 2026-03-01")
    code, problems = check_json(make_site({"content/goals/company.md": late}))
    p = only(problems, "content/goals/company.md", "kpi.metric")
    assert p["message"] == "no KPI data for metric 'revenue' yet; the goal shows 'no data'"


def test_the_generated_benchmark_site_checks_clean(tmp_path) -> None:
    """200 goals with numbered ids, later cohorts without KPI rows of their own: no
    false 'did you mean' (skill-28 is not skill-8; a cohort not measured yet is no typo)."""
    import sys

    sys.path.insert(
        0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "benchmarks")
    )
    from make_big_site import write_site

    write_site(tmp_path / "big", 60)
    code, out, err = run("check", "--site", str(tmp_path / "big"), "--strict")
    assert (code, err.strip()) == (0, "no problems")
