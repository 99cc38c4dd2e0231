"""Incremental rebuilds (``SiteBuilder`` reused between builds) give exactly a clean build.

A scripted sequence of edits, adds, renames and deletions on a copy of the example site;
after every step the incrementally built folder must equal, byte for byte, a clean build
by a fresh builder. Separately, on a generated site with a known shape, a one-goal edit
must re-render only the pages that show that goal.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build.builder import BuildResult, SiteBuilder
from generator.digest import Unstable, digest

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 15)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_same_as_clean(root: Path, out: Path) -> BuildResult:
    clean_out = root.parent / "clean"
    result = SiteBuilder(root, clean_out, today=TODAY).build()
    assert result.ok, [p.format() for p in result.problems]
    got, want = tree(out), tree(clean_out)
    assert sorted(got) == sorted(want)
    differ = [rel for rel in want if got[rel] != want[rel]]
    assert differ == []
    return result


def review_pages(out: Path) -> int:
    """Review pages show every goal's title, so a title edit re-renders each of them."""
    return len(list((out / "reviews").glob("**/index.html")))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    for name in ("content", "data"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "goalpath.toml", root / "goalpath.toml")
    return root


NEW_GOAL = """\
---
title: Answer the phone faster
owner: Head of Service
department: Customer service
parent: improve-csat
target_groups: [service-agents]
kpi:
  metric: csat_score
  unit: points
  direction: increase
  baseline: {value: 70, date: 2025-12-31}
  target: {value: 80, date: 2027-12-31}
learning_paths: [service-excellence]
skills: {active-listening: 3}
---
A new goal, linked from [the notes page](../pages/notes.md).
"""

NOTES_PAGE = """\
---
title: Notes
order: 60
---
See [the new goal](../goals/answer-faster.md) and [onboarding](../goals/faster-onboarding.md).
"""


@pytest.mark.parametrize("in_place", [False, True], ids=["swap", "in-place"])
def test_scripted_edits_equal_clean_builds(example: Path, in_place: bool) -> None:
    """``in_place``: as ``goalpath serve`` writes, only the changed files."""
    root, out = example, example.parent / "out"
    builder = SiteBuilder(root, out, today=TODAY, in_place=in_place)
    goals, paths, pages = root / "content/goals", root / "content/paths", root / "content/pages"
    onboarding = goals / "faster-onboarding.md"

    first = builder.build()
    assert first.ok, [p.format() for p in first.problems]
    total = first.pages
    assert first.reused == 0
    assert_same_as_clean(root, out)
    reviews = review_pages(out)
    assert reviews >= 3  # at least one period, latest/ and the index

    steps: list[tuple[str, Callable[[], None], Callable[[BuildResult], bool]]] = [
        ("nothing changed", lambda: None, lambda r: r.pages == 0),
        (
            "a goal's prose",
            lambda: edit(onboarding, "## What changes", "## What changes for agents"),
            lambda r: r.pages == 1,
        ),
        (
            "a goal's title",
            lambda: edit(onboarding, "from 48 to 38 days", "from 48 to 36 days"),
            # + goals/, paths/ and the goal's three tag pages and department page
            lambda r: 2 + reviews <= r.pages <= 14 + reviews,
        ),
        (
            "a goal's parent",
            lambda: edit(onboarding, "parent: improve-csat", "parent: grow-sustainably-2027"),
            lambda r: 3 <= r.pages < total,
        ),
        (
            "a path's activity",
            lambda: edit(
                paths / "service-onboarding.md",
                "The CRM and the ticket flow",
                "The CRM, step by step",
            ),
            lambda r: 0 < r.pages < total,
        ),
        (
            "a page that links to a goal not written yet",
            lambda: (pages / "notes.md").write_text(NOTES_PAGE, encoding="utf-8"),
            lambda r: r.pages == total + 1,  # the navigation changed: every page
        ),
        (
            "a new goal",
            lambda: (goals / "answer-faster.md").write_text(NEW_GOAL, encoding="utf-8"),
            lambda r: 0 < r.pages < total + 2,
        ),
        (
            "a renamed goal file (its id changes)",
            lambda: (goals / "answer-faster.md").rename(goals / "answer-sooner.md"),
            lambda r: r.pages > 0,
        ),
        (
            "a deleted goal",
            lambda: (goals / "answer-sooner.md").unlink(),
            lambda r: r.pages > 0,
        ),
        (
            "a new KPI observation",
            lambda: append(root / "data/kpis.csv", "2026-10-30,csat_score,81,\n"),
            lambda r: r.reused == 0,  # data is read by every page
        ),
        (
            "the site title",
            lambda: edit(root / "goalpath.toml", 'title = "Goals and learning"', 'title = "Aster"'),
            lambda r: r.reused == 0,
        ),
        (
            "a deleted page",
            lambda: (pages / "notes.md").unlink(),
            lambda r: r.reused == 0,
        ),
    ]
    for name, change, expect in steps:
        change()
        result = builder.build()
        assert result.ok, (name, [p.format() for p in result.problems])
        assert expect(result), (name, result.pages, result.reused)
        assert_same_as_clean(root, out)


@pytest.mark.parametrize("in_place", [False, True], ids=["swap", "in-place"])
def test_broken_save_keeps_output_and_the_fix_equals_a_clean_build(
    example: Path, in_place: bool
) -> None:
    root, out = example, example.parent / "out"
    builder = SiteBuilder(root, out, today=TODAY, in_place=in_place)
    assert builder.build().ok
    before = tree(out)
    goal = root / "content/goals/faster-onboarding.md"
    good = goal.read_text(encoding="utf-8")
    goal.write_text(good.replace("title: Cut", "title: [Cut", 1), encoding="utf-8")
    broken = builder.build()
    assert not broken.ok
    assert any(p.file == "content/goals/faster-onboarding.md" and p.line for p in broken.problems)
    assert tree(out) == before
    goal.write_text(good.replace("from 48 to 38", "from 48 to 30"), encoding="utf-8")
    fixed = builder.build()
    assert fixed.ok
    assert fixed.pages > 0 and fixed.reused > 0
    assert "from 48 to 30" in (out / "goals/faster-onboarding/index.html").read_text()
    assert_same_as_clean(root, out)


def test_theme_edit_rerenders_everything(example: Path) -> None:
    root, out = example, example.parent / "out"
    edit(root / "goalpath.toml", "[site]\n", '[site]\ntheme = "house"\n')
    theme = root / "themes/house"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.toml").write_text('extends = "default"\n')
    base = theme / "templates/base.html"
    base.write_text(
        '{% extends "!default/base.html" %}'
        '{% block head %}<meta name="v" content="1">{% endblock %}'
    )
    builder = SiteBuilder(root, out, today=TODAY)
    first = builder.build()
    assert first.ok, [p.format() for p in first.problems]
    base.write_text(base.read_text().replace('content="1"', 'content="2"'))
    again = builder.build()
    assert again.ok
    assert (again.pages, again.reused) == (first.pages, 0)
    assert '<meta name="v" content="2">' in (out / "index.html").read_text()
    assert_same_as_clean(root, out)


# -- how few pages a one-goal edit re-renders, on a site of known shape -------------------------


def _big_site_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "make_big_site", REPO / "benchmarks" / "make_big_site.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_goal_edit_rerenders_only_the_pages_that_show_it(tmp_path: Path) -> None:
    root = _big_site_module().write_site(tmp_path / "site", n_goals=30)
    builder = SiteBuilder(root, tmp_path / "out", today=TODAY)
    first = builder.build()
    assert first.ok, [p.format() for p in first.problems]
    total = first.pages  # 30 goals, 3 paths, about, dashboard, 3 overviews, 404, reviews
    reviews = review_pages(tmp_path / "out")
    assert reviews >= 3
    out = tmp_path / "out"
    terms = len(list(out.glob("tags/*/index.html"))) + len(
        list(out.glob("departments/*/index.html"))
    )
    lists = 4 + terms  # goals/, paths/, tags/, departments/ and a page per tag and department
    assert terms == 12 + len({line for line in _departments(root)})
    assert total == 30 + 3 + 1 + 1 + 3 + 1 + reviews + lists

    goal = root / "content/goals/goal-0013.md"  # parent goal-0000, path-001, no children
    edit(goal, "A synthetic goal", "An edited goal")
    body = builder.build()
    assert (body.pages, body.reused) == (1, total - 1)  # its own page only

    edit(goal, "title: Goal 13 ", "title: Goal thirteen ")
    title = builder.build()
    # itself, its parent (child list), its path, the dashboard, timeline, alignment, skills,
    # the reviews, which list every goal, goals/, paths/, its tag's and its department's page
    shown = 7 + reviews + 4
    assert (title.pages, title.reused) == (shown, total - shown)

    edit(goal, "title: Goal thirteen ", "title: Goal 13 ")
    assert builder.build().pages == shown  # back again: no stale page kept
    assert_same_as_clean(root, tmp_path / "out")


def _departments(root: Path) -> list[str]:
    return [
        line.split(":", 1)[1].strip()
        for p in (root / "content/goals").glob("*.md")
        for line in p.read_text().splitlines()
        if line.startswith("department:")
    ]


# -- period reviews: snapshots kept per goal equal a fresh analysis -----------------------------


def _reviews_now(root: Path, memo: object) -> tuple[str, str]:
    """(what ``memo`` gives, what fresh reviews give), as digests."""
    from generator.analysis.site import analyse_site
    from generator.build.inputs import load_inputs
    from generator.build.review_memo import fresh_reviews
    from generator.errors import Problems

    inputs = load_inputs(root, Problems())
    assert inputs is not None
    analysis = analyse_site(inputs.site, inputs.dataset, today=TODAY)
    got = memo.get(inputs.site, inputs.dataset, analysis)  # type: ignore[attr-defined]
    return digest(got), digest(fresh_reviews(inputs.site, inputs.dataset, analysis))


def test_review_snapshots_are_taken_again_only_for_changed_goals(example: Path) -> None:
    from generator.build.review_memo import ReviewMemo

    memo = ReviewMemo()
    goals = example / "content/goals"
    got, want = _reviews_now(example, memo)
    assert got == want
    everything = memo.snapshots.taken
    assert everything == len(list(goals.glob("*.md")))

    onboarding = goals / "faster-onboarding.md"
    edit(onboarding, "from 48 to 38 days", "from 48 to 36 days")  # a title: one goal
    got, want = _reviews_now(example, memo)
    assert got == want
    assert memo.snapshots.taken == 1

    edit(onboarding, "value: 38", "value: 36")  # its target: that goal again
    assert _reviews_now(example, memo) == _reviews_now(example, ReviewMemo())
    assert memo.snapshots.taken == 1

    path = example / "content/paths/service-onboarding.md"
    edit(path, "The CRM and the ticket flow", "The CRM, step by step")  # a path
    got, want = _reviews_now(example, memo)
    assert got == want
    assert 0 < memo.snapshots.taken < everything  # the goals it serves

    append(example / "data/kpis.csv", "2026-10-30,csat_score,81,\n")  # data: everything
    got, want = _reviews_now(example, memo)
    assert got == want
    assert memo.snapshots.taken == everything


# -- content digests ----------------------------------------------------------------------------


def test_digest_is_by_content_and_refuses_unknown_objects() -> None:
    import pandas as pd

    a = {"x": [1, 2.5, "s", None], "when": dt.date(2026, 1, 2), "s": pd.Series([1.0, 2.0])}
    b = {"when": dt.date(2026, 1, 2), "s": pd.Series([1.0, 2.0]), "x": [1, 2.5, "s", None]}
    assert digest(a) == digest(b)
    b["s"] = pd.Series([1.0, 2.5])
    assert digest(a) != digest(b)
    assert digest([1]) != digest(["1"]) != digest((1.0,))
    with pytest.raises(Unstable):
        digest({"f": lambda: 1})


def test_a_page_dep_the_memo_does_not_provide_is_an_error_not_a_constant() -> None:
    from types import SimpleNamespace

    from generator.pages.context import Deps

    state = SimpleNamespace(keys={"goal:a": "k1", "links": "k2"})
    deps = Deps(keys=("goal:a", "links"))
    assert deps.resolve(state) == ("goal:a=k1", "links=k2")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="goal:b"):
        Deps(keys=("goal:b",)).resolve(state)  # type: ignore[arg-type]
    assert Deps(keys=("goal:b",)).resolve(SimpleNamespace(keys={})) == ("goal:b=",)  # type: ignore[arg-type]


def test_in_place_writes_only_changed_files_and_repairs_what_others_touched(
    example: Path,
) -> None:
    """``goalpath serve``'s writes: after a prose edit only that page is written again
    (its file is replaced, the others keep their inode); a page deleted or edited by hand
    in the output is put right at the next build; a ``goalpath build`` into the same
    folder in between makes the next serve build replace the whole folder."""
    from generator.build import output

    root, out = example, example.parent / "out"
    builder = SiteBuilder(root, out, today=TODAY, in_place=True)
    assert builder.build().ok
    page = out / "goals/reduce-medication-errors/index.html"
    other = out / "goals/improve-csat/index.html"
    inode_other = other.stat().st_ino
    append(root / "content/goals/reduce-medication-errors.md", "\nOne more line.\n")
    assert builder.build().ok
    assert "One more line." in page.read_text(encoding="utf-8")
    assert other.stat().st_ino == inode_other, "an unchanged page was written again"
    assert_same_as_clean(root, out)
    other.unlink()
    (out / "about/index.html").write_text("tampered", encoding="utf-8")
    assert builder.build().ok
    assert_same_as_clean(root, out)
    marker = output.marker_of(out)
    assert SiteBuilder(root, out, today=TODAY).build().ok  # a CLI build into the folder
    assert output.marker_of(out) != marker
    (out / "timeline/index.html").write_text("stale", encoding="utf-8")
    assert builder.build().ok  # not in place: the folder is not the one it wrote
    assert_same_as_clean(root, out)


def test_data_files_are_parsed_again_only_when_their_bytes_change(example: Path) -> None:
    """The dataset memo: the same bytes reuse the parsed tables (and their warnings come
    back), a one-digit correction of the same size is read."""
    root, out = example, example.parent / "out"
    kpis = root / "data/kpis.csv"
    append(  # a warning each build, from the data checks
        root / "data/learning.csv",
        "2026-10-31,L0149,no-such-activity,enrolled,safety-leadership,supervisors-plant,,\n",
    )
    builder = SiteBuilder(root, out, today=TODAY)
    first = builder.build()
    assert first.ok, [p.format() for p in first.problems]
    warned = sorted(p.format() for p in first.problems)
    assert any("no-such-activity" in w for w in warned), warned
    second = builder.build()
    assert builder._memo.datasets.hits == 1
    assert sorted(p.format() for p in second.problems) == warned
    text = kpis.read_text(encoding="utf-8")
    edit(kpis, "2026-10-05,oee_percent,61.7,", "2026-10-05,oee_percent,69.7,")
    assert len(kpis.read_text(encoding="utf-8")) == len(text)
    assert builder.build().ok
    assert builder._memo.datasets.hits == 1
    assert_same_as_clean(root, out)
