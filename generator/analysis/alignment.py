"""The goal tree (company → department → team, by ``parent``) and its gaps. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Site


@dataclass(frozen=True)
class Node:
    goal_id: str
    depth: int
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Alignment:
    roots: tuple[Node, ...]
    """Top-level goals that others serve, each with its subtree."""
    orphans: tuple[str, ...]
    """Goals with no parent and no child: not connected to any strategy."""
    without_paths: tuple[str, ...]
    """Goals that no learning path serves (some may rightly need none)."""
    cyclic: tuple[str, ...]
    """Goals caught in a parent cycle (validation rejects these; listed for safety)."""


def alignment_tree(site: Site) -> Alignment:
    goals = site.goals
    children: dict[str, list[str]] = {g: [] for g in goals}
    for gid, g in goals.items():
        if g.meta.parent in children:
            children[g.meta.parent].append(gid)
    cyclic = tuple(sorted(_cyclic(site)))

    def build(gid: str, depth: int, seen: frozenset[str]) -> Node:
        kids = tuple(
            build(c, depth + 1, seen | {c}) for c in sorted(children[gid]) if c not in seen
        )
        return Node(gid, depth, kids)

    tops = [g for g, goal in goals.items() if goal.meta.parent not in goals and g not in cyclic]
    roots = tuple(build(g, 0, frozenset({g})) for g in sorted(tops) if children[g])
    orphans = tuple(sorted(g for g in tops if not children[g]))
    without_paths = tuple(sorted(g for g, goal in goals.items() if not goal.paths))
    return Alignment(roots, orphans, without_paths, cyclic)


def _cyclic(site: Site) -> set[str]:
    out: set[str] = set()
    for start in site.goals:
        seen = [start]
        parent = site.goals[start].meta.parent
        while parent in site.goals:
            if parent in seen:
                out.update(seen[seen.index(parent) :])
                break
            seen.append(parent)
            parent = site.goals[parent].meta.parent
    return out
