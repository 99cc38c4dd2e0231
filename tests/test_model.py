"""Content errors: each one names file, line and field, with a hint; all are reported."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problems
from generator.load.config import load_config
from generator.load.content import discover, read_source
from generator.model.site import Site
from generator.model.validate import validate_site


def validate(root: Path) -> tuple[Site, Problems]:
    problems = Problems()
    config = load_config(root, problems)
    docs = {
        kind: [d for f in files if (d := read_source(root, kind, f, problems)) is not None]
        for kind, files in discover(root).items()
    }
    return validate_site(docs, config, problems), problems


def lines(problems: Problems) -> list[str]:
    return [p.format() for p in problems]


def test_minimal_site_is_valid(make_site):
    site, problems = validate(make_site())
    assert problems.errors == []
    assert set(site.goals) == {"grow-sales", "company"}
    assert site.goals["grow-sales"].paths == ("selling",)
    assert site.paths["selling"].goals == ("grow-sales",)


GOAL_HEAD = """
---
title: T
owner: O
kpi:
  metric: m
  direction: increase
"""


def test_wrong_type_names_line_and_field(make_site):
    root = make_site(
        {
            "content/goals/bad.md": GOAL_HEAD + "  target: {value: ten, date: 2027-01-01}\n---\n",
        }
    )
    _, problems = validate(root)
    assert (
        "content/goals/bad.md:7:19: kpi.target.value: must be a number, got 'ten' "
        "(write a plain number such as 3.78, without units)"
    ) in lines(problems)


def test_impossible_date_is_reported_at_its_line(make_site):
    root = make_site(
        {"content/goals/bad.md": GOAL_HEAD + "  target: {value: 3, date: 2027-13-01}\n---\n"}
    )
    _, problems = validate(root)
    assert (
        "content/goals/bad.md:7:28: kpi.target.date: not a date: '2027-13-01' "
        "(write dates as YYYY-MM-DD, e.g. 2027-03-31)"
    ) in lines(problems)


def test_bad_yaml_syntax_names_line(make_site):
    root = make_site({"content/goals/bad.md": "---\ntitle: T\nowner: [unclosed\n---\n"})
    _, problems = validate(root)
    (err,) = [p for p in problems.errors if p.file == "content/goals/bad.md"]
    assert err.line == 3 and "YAML syntax error" in err.message
    assert "indentation" in (err.hint or "")


def test_missing_required_field(make_site):
    root = make_site({"content/goals/bad.md": "---\ntitle: T\nkpi: {metric: m}\n---\n"})
    _, problems = validate(root)
    got = lines(problems)
    assert any(
        s.startswith("content/goals/bad.md:2:1: owner: required field is missing") for s in got
    )
    assert any(
        "content/goals/bad.md:3:6: kpi.direction: required field is missing" in s for s in got
    )
    assert any("kpi.target: required field is missing" in s for s in got)


def test_unknown_field_warns_with_suggestion(make_site):
    root = make_site(
        {
            "content/goals/grow-sales.md": "---\ntitle: T\nowner: O\nownr: X\nkpi:\n  metric: sales_per_rep\n"
            "  direction: increase\n  target: {value: 3, date: 2027-01-01}\n  unti: k\n---\n"
        }
    )
    site, problems = validate(root)
    assert problems.errors == []
    got = lines(problems)
    assert (
        "content/goals/grow-sales.md:4:1: warning: ownr: unknown field is ignored (did you mean 'owner'?)"
        in got
    )
    assert (
        "content/goals/grow-sales.md:9:3: warning: kpi.unti: unknown field is ignored (did you mean 'unit'?)"
        in got
    )
    assert "grow-sales" in site.goals


def test_unknown_choice_suggests(make_site):
    root = make_site(
        {
            "content/goals/bad.md": "---\ntitle: T\nowner: O\nkpi:\n  metric: m\n  direction: increse\n"
            "  target: {value: 3, date: 2027-01-01}\n---\n"
        }
    )
    _, problems = validate(root)
    assert (
        "content/goals/bad.md:6:14: kpi.direction: must be one of increase, decrease, "
        "got 'increse' (did you mean 'increase'?)"
    ) in lines(problems)


def test_duplicate_id(make_site):
    root = make_site(
        {
            "content/goals/other.md": "---\nid: grow-sales\ntitle: T\nowner: O\nkpi: {metric: m, direction: increase, target: {value: 1, date: 2027-01-01}}\n---\n"
        }
    )
    _, problems = validate(root)
    assert any(
        p.startswith("content/goals/other.md:2:5: id: duplicate id 'grow-sales'")
        for p in lines(problems)
    )


def test_id_that_is_not_a_slug(make_site):
    root = make_site(
        {
            "content/goals/x.md": "---\nid: ../../etc/passwd\ntitle: T\nowner: O\nkpi: {metric: m, direction: increase, target: {value: 1, date: 2027-01-01}}\n---\n"
        }
    )
    site, problems = validate(root)
    (err,) = [p for p in problems.errors if p.file == "content/goals/x.md"]
    assert err.line == 2 and err.field == "id"
    assert "not a valid id" in err.message and "etc-passwd" in (err.hint or "")
    assert "../../etc/passwd" not in site.goals


def test_file_name_that_is_not_a_slug(make_site):
    root = make_site(
        {"content/goals/My Goal.md": GOAL_HEAD + "  target: {value: 3, date: 2027-01-01}\n---\n"}
    )
    _, problems = validate(root)
    (err,) = problems.errors
    assert err.file == "content/goals/My Goal.md" and err.field == "id (from the file name)"
    assert "my-goal" in (err.hint or "")


def test_unknown_references(make_site):
    root = make_site(
        {
            "content/goals/bad.md": GOAL_HEAD
            + "  target: {value: 3, date: 2027-01-01}\nparent: grow-sale\nlearning_paths: [sellin]\n---\n",
            "content/paths/p2.md": "---\ntitle: P\ngoals: [nope]\ncohorts: [{id: c9, start: 2026-01-05}]\n"
            "activities: [{id: a, title: A, kind: course, week: 1}]\n---\n",
        }
    )
    _, problems = validate(root)
    got = lines(problems)
    assert (
        "content/goals/bad.md:8:9: parent: unknown goal 'grow-sale' (did you mean 'grow-sales'?)"
        in got
    )
    assert (
        "content/goals/bad.md:9:18: learning_paths[0]: unknown learning path 'sellin' (did you mean 'selling'?)"
        in got
    )
    assert any(s.startswith("content/paths/p2.md:3:9: goals[0]: unknown goal 'nope'") for s in got)


def test_parent_cycle(make_site):
    def goal(parent: str) -> str:
        return GOAL_HEAD + f"  target: {{value: 3, date: 2027-01-01}}\nparent: {parent}\n---\n"

    root = make_site({"content/goals/a.md": goal("b"), "content/goals/b.md": goal("a")})
    _, problems = validate(root)
    got = lines(problems)
    assert any(s.startswith("content/goals/a.md:8:9: parent: parent cycle: a → b → a") for s in got)
    assert any(s.startswith("content/goals/b.md:8:9: parent: parent cycle: b → a → b") for s in got)


def test_non_utf8_and_empty_files(make_site):
    root = make_site(
        {
            "content/goals/latin.md": "---\ntitle: Caf\xe9\n".encode("latin-1"),
            "content/paths/empty.md": "",
        }
    )
    _, problems = validate(root)
    got = lines(problems)
    assert "content/goals/latin.md:2: not UTF-8 text (byte 0xe9) (save the file as UTF-8)" in got
    assert any(s.startswith("content/paths/empty.md:1: the file is empty") for s in got)


def test_every_problem_is_reported_not_just_the_first(make_site):
    root = make_site(
        {
            "content/goals/a.md": GOAL_HEAD + "  target: {value: x, date: 2027-01-01}\n---\n",
            "content/goals/b.md": GOAL_HEAD + "  target: {value: 3, date: nope}\n---\n",
            "content/paths/c.md": "---\ntitle: C\ncohorts: []\nactivities: [{id: a, title: A, kind: course, week: 0}]\n---\n",
        }
    )
    _, problems = validate(root)
    files = {p.file for p in problems.errors}
    assert files == {"content/goals/a.md", "content/goals/b.md", "content/paths/c.md"}
    assert any(p.field == "activities[0].week" for p in problems.errors)
    assert any(p.field == "cohorts" and p.message == "must not be empty" for p in problems.errors)


def test_direction_contradicts_target(make_site):
    root = make_site(
        {
            "content/goals/bad.md": GOAL_HEAD.replace("increase", "decrease")
            + "  baseline: {value: 4, date: 2025-12-31}\n  target: {value: 5, date: 2027-01-01}\n---\n"
        }
    )
    _, problems = validate(root)
    (err,) = problems.errors
    assert err.field == "kpi.target.value" and "does not decrease" in err.message


def test_duplicate_cohort_and_duplicate_yaml_key(make_site):
    root = make_site(
        {
            "content/paths/p2.md": "---\ntitle: P\ntitle: Q\ncohorts: [{id: c1, start: 2026-01-05}]\n"
            "activities: [{id: a, title: A, kind: course, week: 1}]\n---\n",
            "content/paths/p3.md": "---\ntitle: P\ncohorts: [{id: north, start: 2026-01-05}]\n"
            "activities: [{id: a, title: A, kind: course, week: 1}, {id: a, title: B, kind: course, week: 2}]\n---\n",
        }
    )
    _, problems = validate(root)
    got = lines(problems)
    assert any(s.startswith("content/paths/p2.md:3:1: title: 'title' is given twice") for s in got)
    assert any(
        "cohorts[0].id: cohort id 'north' is also used by path 'p3'" in s
        and s.startswith("content/paths/selling.md:5:10:")
        for s in got
    )
    assert any("activities[1].id: duplicate id 'a' in activities" in s for s in got)


def test_reserved_page_id(make_site):
    root = make_site({"content/pages/goals.md": "---\ntitle: Goals\n---\nx\n"})
    _, problems = validate(root)
    (err,) = problems.errors
    assert "reserved" in err.message


def test_schedule_dates(make_site):
    site, _ = validate(make_site())
    path = site.paths["selling"]
    north = path.meta.cohorts[0]
    sched = path.schedule(north)
    assert [(s.activity.id, s.start.isoformat()) for s in sched] == [
        ("intro", "2025-09-01"),
        ("exam", "2025-09-15"),
    ]
    assert path.cohort_end(north).isoformat() == "2025-09-21"


def test_a_file_with_broken_yaml_is_not_reported_again_as_an_unknown_reference(make_site):
    from generator.build.inputs import check_site

    root = make_site()
    goal = root / "content/goals/grow-sales.md"
    goal.write_text(goal.read_text().replace("title:", "title: [unclosed\nx:", 1))
    got = lines(check_site(root))
    assert any(s.startswith("content/goals/grow-sales.md:") and "YAML" in s for s in got), got
    # The path that names grow-sales, and the goal whose parent it may be, say nothing more.
    assert not any("unknown goal 'grow-sales'" in s for s in got), got
    assert len([p for p in check_site(root) if p.severity == "error"]) == 1


def test_top_level_keys_as_hugo_writes_them_are_read_as_their_sections(tmp_path):
    (tmp_path / "goalpath.toml").write_text(
        'title = "Intranet goals"\nbase_url = "/intra/"\nbaseURL = "/x/"\nperiod = "week"\n'
        '[analysis]\nstale_after = 2\n[site]\nlanguage = "de"\n',
        encoding="utf-8",
    )
    problems = Problems()
    cfg = load_config(tmp_path, problems)
    assert (cfg.title, cfg.base_url, cfg.period, cfg.stale_after, cfg.language) == (
        "Intranet goals",
        "/intra/",  # a site deployed under a subpath keeps it
        "week",
        2,
        "de",
    )
    assert [p.format() for p in problems] == [
        "goalpath.toml:1: warning: title: key 'title' belongs in [site]; read as site.title "
        "(move it under [site])",
        "goalpath.toml:2: warning: base_url: key 'base_url' belongs in [site]; read as "
        "site.base_url (move it under [site])",
        "goalpath.toml:3: warning: baseURL: unknown key 'baseURL' is ignored (did you mean "
        "'base_url'?)",
        "goalpath.toml:4: warning: period: key 'period' belongs in [analysis]; read as "
        "analysis.period (move it under [analysis])",
    ]
    # A key the section sets too: the section's wins, and the top-level one is named.
    (tmp_path / "goalpath.toml").write_text('title = "A"\n[site]\ntitle = "B"\n', encoding="utf-8")
    problems = Problems()
    assert load_config(tmp_path, problems).title == "B"
    assert [p.message for p in problems] == [
        "key 'title' above every section is ignored: [site] sets it too"
    ]
