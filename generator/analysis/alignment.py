"""The goal tree (company → department → team, by ``parent``) and its gaps. Pure.

Validation (``model.validate_site``) already rejects unknown parents and parent
cycles with a message at the ``parent:`` line; this module still never loops on a
cycle, so it is safe on any ``Site``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.site import Site


@dataclass(frozen=True)
class Node:
    goal_id: str
    depth: int
    """0 for a top-level goal, 1 for the goals that serve it, and so on."""
    children: tuple[Node, ...]
    """The goals whose ``parent`` is this one, by id."""


@dataclass(frozen=True)
class Alignment:
    roots: tuple[Node, ...]
    """Top-level goals that others serve, each with its subtree."""
    orphans: tuple[str, ...]
    """Goals with no parent and no child: not connected to any other goal."""
    without_paths: tuple[str, ...]
    """Goals that no learning path serves (some may rightly need none)."""
    served_below: tuple[str, ...]
    """Of ``without_paths``, those with a sub-goal (at any depth) that a path serves."""
    cyclic: tuple[str, ...]
    """Goals in a parent cycle or below one: not reachable from any top-level goal
    (validation rejects cycles; listed so nothing is silently dropped)."""

    def nodes(self) -> list[Node]:
        """Every node of the tree, depth first."""
        out: list[Node] = []
        stack = list(reversed(self.roots))
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(n.children))
        return out


def alignment_tree(site: Site) -> Alignment:
    goals = site.goals
    children: dict[str, list[str]] = {g: [] for g in goals}
    for gid, g in goals.items():
        if g.meta.parent in children and g.meta.parent != gid:
            children[g.meta.parent].append(gid)

    def build(gid: str, depth: int) -> Node:
        return Node(gid, depth, tuple(build(c, depth + 1) for c in sorted(children[gid])))

    tops = sorted(g for g, goal in goals.items() if goal.meta.parent not in goals)
    roots = tuple(build(g, 0) for g in tops if children[g])
    orphans = tuple(g for g in tops if not children[g])
    reached = set(tops) | {n.goal_id for n in Alignment(roots, (), (), (), ()).nodes()}
    cyclic = tuple(sorted(set(goals) - reached))

    def served(gid: str, seen: frozenset[str]) -> bool:
        return any(
            bool(goals[c].paths) or served(c, seen | {c}) for c in children[gid] if c not in seen
        )

    without_paths = tuple(sorted(g for g, goal in goals.items() if not goal.paths))
    served_below = tuple(g for g in without_paths if served(g, frozenset({g})))
    return Alignment(roots, orphans, without_paths, served_below, cyclic)
