"""analysis/alignment.py: the goal tree by ``parent``, its gaps, and parent cycles.

Cycles are rejected by ``model.validate_site`` (at the ``parent:`` line); the tree is
still built safely on a site that has one. ``tests/test_model.py::test_parent_cycle``
covers a 2-cycle; a 3-cycle, a goal that is its own parent and a goal hanging below a
cycle are checked here.
"""

from __future__ import annotations

from typing import Any

from generator.analysis.alignment import alignment_tree
from generator.errors import Problems
from generator.load.config import SiteConfig
from generator.model.site import Site
from generator.model.validate import validate_site
from tests.sitekit import doc
from tests.test_model import validate


def goal(parent: str | None = None, paths: list[str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "title": "T",
        "owner": "O",
        "kpi": {
            "metric": "m",
            "direction": "increase",
            "target": {"value": 1, "date": "2027-01-01"},
        },
    }
    if parent is not None:
        meta["parent"] = parent
    if paths:
        meta["learning_paths"] = paths
    return meta


PATH = {
    "title": "P",
    "cohorts": [{"id": "c1", "start": "2026-01-05"}],
    "activities": [{"id": "a", "title": "A", "kind": "course", "week": 1}],
}


def site_of(goals: dict[str, dict[str, Any]], paths: tuple[str, ...] = ()) -> tuple[Site, Problems]:
    problems = Problems()
    docs = {
        "goals": [doc("goals", g, m) for g, m in goals.items()],
        "paths": [doc("paths", p, PATH) for p in paths],
    }
    return validate_site(docs, SiteConfig(), problems), problems


def shape(node) -> tuple:
    return (node.goal_id, node.depth, tuple(shape(c) for c in node.children))


# company → two departments → a team under one of them; plus one goal on its own
TREE = {
    "company": goal(),
    "dept-b": goal("company"),
    "dept-a": goal("company"),
    "team-a1": goal("dept-a", ["coaching"]),
    "lone": goal(),
}


def test_tree_by_parent_depth_first_children_by_id() -> None:
    site, problems = site_of(TREE, ("coaching",))
    assert problems.errors == []
    tree = alignment_tree(site)
    assert [shape(r) for r in tree.roots] == [
        ("company", 0, (("dept-a", 1, (("team-a1", 2, ()),)), ("dept-b", 1, ()))),
    ]
    assert [n.goal_id for n in tree.nodes()] == ["company", "dept-a", "team-a1", "dept-b"]
    assert tree.cyclic == ()


def test_orphans_are_goals_with_neither_parent_nor_children() -> None:
    site, _ = site_of(TREE, ("coaching",))
    tree = alignment_tree(site)
    # "company" has no parent either, but others serve it: a root, not an orphan
    assert tree.orphans == ("lone",)
    assert "lone" not in {n.goal_id for n in tree.nodes()}


def test_goals_without_learning_paths_and_those_served_below() -> None:
    site, _ = site_of(TREE, ("coaching",))
    tree = alignment_tree(site)
    assert tree.without_paths == ("company", "dept-a", "dept-b", "lone")
    # company and dept-a have team-a1 (which a path serves) below them; dept-b and lone do not
    assert tree.served_below == ("company", "dept-a")


def test_every_goal_served_and_a_flat_site() -> None:
    site, _ = site_of({"x": goal(paths=["p"]), "y": goal(paths=["p"])}, ("p",))
    tree = alignment_tree(site)
    assert tree.roots == () and tree.orphans == ("x", "y")
    assert tree.without_paths == () and tree.served_below == ()


def test_alignment_never_loops_on_cycles() -> None:
    goals = {
        "a": goal("c"),
        "b": goal("a"),
        "c": goal("b"),  # a → c → b → a
        "under": goal("a"),  # hangs below the cycle
        "self": goal("self"),
        "top": goal(),
        "kid": goal("top", ["p"]),
    }
    site, problems = site_of(goals, ("p",))
    assert problems.errors  # validation rejects the cycles ...
    tree = alignment_tree(site)  # ... and the tree still comes back, without looping
    assert [shape(r) for r in tree.roots] == [("top", 0, (("kid", 1, ()),))]
    assert tree.cyclic == ("a", "b", "c", "self", "under")
    assert tree.orphans == ()
    assert "top" in tree.served_below and "a" not in tree.served_below


GOAL_HEAD = """
---
title: T
owner: O
kpi:
  metric: m
  direction: increase
  target: {value: 3, date: 2027-01-01}
"""


def test_three_cycle_reported_by_each_member(make_site) -> None:
    root = make_site(
        {
            "content/goals/a.md": GOAL_HEAD + "parent: b\n---\n",
            "content/goals/b.md": GOAL_HEAD + "parent: c\n---\n",
            "content/goals/c.md": GOAL_HEAD + "parent: a\n---\n",
            "content/goals/d.md": GOAL_HEAD + "parent: a\n---\n",
        }
    )
    _, problems = validate(root)
    cycles = [p.format() for p in problems.errors if "parent cycle" in p.message]
    assert any(
        s.startswith("content/goals/a.md:8:9: parent: parent cycle: a → b → c → a") for s in cycles
    )
    assert any(
        s.startswith("content/goals/b.md:8:9: parent: parent cycle: b → c → a → b") for s in cycles
    )
    assert any(
        s.startswith("content/goals/c.md:8:9: parent: parent cycle: c → a → b → c") for s in cycles
    )
    # d is not in the cycle, only below it: the members report it, d does not
    assert not any(s.startswith("content/goals/d.md") for s in cycles)
    assert len(cycles) == 3


def test_self_parent_is_a_cycle(make_site) -> None:
    root = make_site({"content/goals/a.md": GOAL_HEAD + "parent: a\n---\n"})
    _, problems = validate(root)
    got = [p.format() for p in problems.errors]
    assert any(s.startswith("content/goals/a.md:8:9: parent: parent cycle: a → a") for s in got), (
        got
    )
