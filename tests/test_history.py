"""history.py: each goal plan's changes, read from a real temporary Git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import generator.load.history as history
from generator.build.builder import SiteBuilder
from generator.load.history import Change, GoalHistory, goal_history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GOAL = "content/goals/grow-sales.md"


def git(repo: Path, *args: str, author: str = "Ann Author", date: str = "2026-01-10") -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "GIT_AUTHOR_DATE": f"{date}T12:00:00+00:00",
        "GIT_COMMITTER_DATE": f"{date}T12:00:00+00:00",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "commit.gpgsign=false", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commit(
    repo: Path, message: str, *, author: str, date: str, paths: tuple[str, ...] = ()
) -> None:
    git(repo, "add", "-A", "--", *(paths or (".",)))
    git(repo, "commit", "-q", "-m", message, author=author, date=date)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, rel)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def no_parent_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git must not find a repository above the test folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@pytest.fixture
def repo(make_site, no_parent_repo) -> Path:
    """The minimal site in a Git repository with one commit per kind of change."""
    root = make_site()
    git(root, "init", "-q", "-b", "main")
    commit(root, "Add the sales goal", author="Ann Author", date="2026-01-10")
    edit(root, GOAL, "target: {value: 12,", "target: {value: 13,")
    commit(root, "Raise the target", author="Bob Boss", date="2026-02-01")
    edit(
        root,
        GOAL,
        "baseline: {value: 10, date: 2025-06-30}",
        "baseline: {value: 9.5, date: 2025-06-30}",
    )
    commit(root, "Correct the baseline", author="Cat Controller", date="2026-03-01")
    edit(root, GOAL, "date: 2026-12-31}", "date: 2027-03-31}")
    commit(root, "Give it one more quarter", author="Bob Boss", date="2026-04-01")
    edit(root, GOAL, "title: Grow sales in the north by 10%", "title: Grow northern sales by 10%")
    commit(root, "Clearer title", author="Ann Author", date="2026-05-01")
    edit(root, GOAL, "should fix it.", "should fix it, says the pilot.")
    commit(root, "Say what the pilot showed", author="Ann Author", date="2026-06-01")
    edit(root, "content/goals/company.md", "value: 100", "value: 110")
    commit(root, "Company target up", author="Dan Director", date="2026-06-15")
    edit(
        root,
        GOAL,
        "target: {value: 13, date: 2027-03-31}",
        "target: {value: 12.5, date: 2027-06-30}",
    )
    commit(root, "Lower the target, later", author="Bob Boss", date="2026-07-01")
    return root


def test_entries_newest_first_with_date_author_message_and_changes(repo: Path) -> None:
    h = goal_history(repo, {GOAL: "grow-sales", "content/goals/company.md": "company"})
    assert h is not None
    entries = h["grow-sales"]
    assert [e.message for e in entries] == [
        "Lower the target, later",
        "Say what the pilot showed",
        "Clearer title",
        "Give it one more quarter",
        "Correct the baseline",
        "Raise the target",
        "Add the sales goal",
    ]  # the company-only commit is not in this goal's history
    by = {e.message: e for e in entries}
    raise_ = by["Raise the target"]
    assert raise_.date.isoformat() == "2026-02-01" and raise_.author == "Bob Boss"
    assert len(raise_.commit) == 10 and all(c in "0123456789abcdef" for c in raise_.commit)
    assert raise_.changes == (Change("target", "12", "13"),)
    assert by["Correct the baseline"].changes == (
        Change("baseline", "10 on 2025-06-30", "9.5 on 2025-06-30"),
    )
    assert by["Correct the baseline"].author == "Cat Controller"
    assert by["Give it one more quarter"].changes == (
        Change("deadline", "2026-12-31", "2027-03-31"),
    )
    assert by["Clearer title"].changes == (
        Change("title", "Grow sales in the north by 10%", "Grow northern sales by 10%"),
    )
    assert by["Say what the pilot showed"].changes == ()  # narrative only
    # two fields in one commit, in the order baseline, target, deadline
    assert by["Lower the target, later"].changes == (
        Change("target", "13", "12.5"),
        Change("deadline", "2027-03-31", "2027-06-30"),
    )
    first = by["Add the sales goal"]
    assert first.created and not first.deleted and first.changes == ()
    assert not any(e.created for e in entries[:-1])
    (company_up, company_add) = h["company"]
    assert company_up.changes == (Change("target", "100", "110"),)
    assert company_up.author == "Dan Director" and company_add.created


def test_keyed_by_stem_without_a_mapping_and_unknown_files_left_out(repo: Path) -> None:
    h = goal_history(repo)
    assert h is not None and set(h) == {"grow-sales", "company"}
    only = goal_history(repo, {GOAL: "sales"})
    assert only is not None and set(only) == {"sales"} and len(only["sales"]) == 7


def test_deleted_and_restored_plan(repo: Path) -> None:
    saved = (repo / GOAL).read_text(encoding="utf-8")
    (repo / GOAL).unlink()
    commit(repo, "Drop the goal", author="Bob Boss", date="2026-08-01")
    (repo / GOAL).write_text(saved.replace("value: 12.5,", "value: 14,"), encoding="utf-8")
    commit(repo, "Bring it back", author="Bob Boss", date="2026-09-01")
    entries = goal_history(repo, {GOAL: "grow-sales"})["grow-sales"]  # type: ignore[index]
    back, dropped = entries[0], entries[1]
    assert (back.message, back.created, back.deleted) == ("Bring it back", True, False)
    assert (dropped.message, dropped.deleted) == ("Drop the goal", True)
    # a re-created plan is reported as created, not as a change against the deleted one
    assert back.changes == () and dropped.changes == ()


def test_uncommitted_edits_are_not_history(repo: Path) -> None:
    edit(repo, GOAL, "value: 12.5,", "value: 99,")
    entries = goal_history(repo, {GOAL: "grow-sales"})["grow-sales"]  # type: ignore[index]
    assert entries[0].message == "Lower the target, later"
    assert all("99" not in (c.new or "") for e in entries for c in e.changes)


def test_outside_a_git_checkout_or_before_the_first_commit_none(make_site, no_parent_repo) -> None:
    root = make_site()
    assert goal_history(root) is None
    assert GoalHistory().read(root, {GOAL: "grow-sales"}) is None
    git(root, "init", "-q")
    assert goal_history(root) is None  # a repository, but no commit yet


def test_site_in_a_subfolder_of_the_repository(tmp_path: Path, no_parent_repo) -> None:
    repo = tmp_path / "repo"
    site = repo / "sites" / "north"
    (site / "content/goals").mkdir(parents=True)
    head = "---\ntitle: T\nowner: O\nkpi:\n  metric: m\n  direction: increase\n"
    (site / "content/goals/x.md").write_text(head + "  target: {value: 1, date: 2027-01-01}\n---\n")
    # another site's goal of the same name must not mix in
    (repo / "content/goals").mkdir(parents=True)
    (repo / "content/goals/x.md").write_text(head + "  target: {value: 7, date: 2027-01-01}\n---\n")
    git(repo, "init", "-q")
    commit(repo, "Start", author="Ann Author", date="2026-01-01")
    edit(site, "content/goals/x.md", "value: 1,", "value: 2,")
    commit(repo, "Up", author="Ann Author", date="2026-02-01")
    h = goal_history(site, {"content/goals/x.md": "x"})
    assert h is not None
    assert [(e.message, e.changes) for e in h["x"]] == [
        ("Up", (Change("target", "1", "2"),)),
        ("Start", ()),
    ]


def test_goal_history_reads_again_only_when_head_moves(repo: Path, monkeypatch) -> None:
    calls: list[Path] = []
    real = history._read_history

    def counting(root, goals, folder):
        calls.append(root)
        return real(root, goals, folder)

    monkeypatch.setattr(history, "_read_history", counting)
    gh = GoalHistory()
    goals = {GOAL: "grow-sales"}
    first = gh.read(repo, goals)
    again = gh.read(repo, goals)
    assert again is first and len(calls) == 1  # HEAD unchanged: from memory
    edit(repo, GOAL, "value: 12.5,", "value: 11,")
    assert gh.read(repo, goals) is first  # an uncommitted edit does not move HEAD
    commit(repo, "Target down", author="Eve Editor", date="2026-08-01")
    moved = gh.read(repo, goals)
    assert len(calls) == 2 and moved is not first
    assert moved is not None
    top = moved["grow-sales"][0]
    assert (top.message, top.author, top.changes) == (
        "Target down",
        "Eve Editor",
        (Change("target", "12.5", "11"),),
    )
    # a different set of goals is a different question, even at the same HEAD
    gh.read(repo, {GOAL: "renamed"})
    assert len(calls) == 3


def test_goal_page_shows_the_plan_history(repo: Path, tmp_path: Path) -> None:
    result = SiteBuilder(repo, tmp_path / "out").build()
    assert result.ok, [p.format() for p in result.problems]
    html = (tmp_path / "out/goals/grow-sales/index.html").read_text(encoding="utf-8")
    assert "Plan history" in html
    section = html[html.index('id="history-h"') :]
    section = section[: section.index("</section>")]
    for message in ("Lower the target, later", "Raise the target", "Add the sales goal"):
        assert message in section
    assert "<strong>Target</strong>: 12 → 13" in section
    assert "<strong>Baseline</strong>: 10 on 2025-06-30 → 9.5 on 2025-06-30" in section
    assert "<strong>Deadline</strong>: 2026-12-31 → 2027-03-31" in section
    assert "Bob Boss" in section and "plan created" in section
    # 5 of the 7 commits moved a key field (the first created it, one changed prose)
    assert "5 changes moved the baseline, target, deadline or other key fields" in section
    company = (tmp_path / "out/goals/company/index.html").read_text(encoding="utf-8")
    assert "Company target up" in company and "Raise the target" not in company


def test_no_history_section_outside_git(make_site, no_parent_repo, tmp_path: Path) -> None:
    root = make_site()
    result = SiteBuilder(root, tmp_path / "out").build()
    assert result.ok
    html = (tmp_path / "out/goals/grow-sales/index.html").read_text(encoding="utf-8")
    assert 'id="history-h"' not in html
