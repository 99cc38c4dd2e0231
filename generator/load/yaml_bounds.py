"""Limits on a front-matter block's shape, checked on the parser's events before any
node tree is built.

PyYAML composes, walks and constructs documents recursively, and expands aliases while
doing so: a 5,000-deep ``[[[…]]]`` exhausts Python's stack, ``tags: &r [*r]`` makes a
cycle, and nine levels of nine aliases each ("billion laughs") describe 387 million
values in 40 lines. libyaml's event parser is iterative and streams, so one pass over its
events measures depth and the size after alias expansion in linear time, and the first
event past a limit gives the error its line. The limits are far above any goal plan
(the example's deepest field is 4 levels, its largest file 160 values).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

MAX_DEPTH = 32
"""Nesting levels of lists and mappings, counting levels reached through aliases."""

MAX_VALUES = 100_000
"""Scalars, lists and mappings in a block once every alias is expanded."""

MAX_BYTES = 1_000_000
"""Size of one front-matter block (the example's largest is 2.6 KB)."""


_PLAIN_TAGS = frozenset({"!", "tag:yaml.org,2002:str"})
"""Explicit tags allowed: ``!!str`` keeps a date or number as text. Others (``!!int
title``, ``!!bool maybe``, ``!!binary``) only make the constructor fail in ways that
have no position, and no front-matter field needs them."""


@dataclass(frozen=True)
class ShapeProblem:
    message: str
    hint: str
    line: int
    """0-based, as PyYAML marks are."""
    column: int


@dataclass
class _Open:
    anchor: str | None
    values_at_start: int
    depth_at_start: int
    deepest: int


def check_shape(text: str, loader: type, fallback: type) -> ShapeProblem | None:
    """The first limit ``text`` breaks, or None. Syntax errors are left to the composer,
    which reports them with the parser's own wording.

    libyaml's scanner reads ahead and stops at its own nesting limit (1,000 levels) before
    it yields an event; the pure-Python parser (``fallback``), also iterative, then finds
    where the 33rd level opens.
    """
    try:
        return _scan(text, loader)
    except yaml.YAMLError:
        pass
    try:
        return _scan(text, fallback)
    except yaml.YAMLError:
        return None


def _scan(text: str, loader: type) -> ShapeProblem | None:
    values = 0
    depth = 0
    opened: list[_Open] = []
    size: dict[str, int] = {}  # anchor -> values it stands for, expanded
    height: dict[str, int] = {}  # anchor -> levels it adds where it is used
    open_anchors: set[str] = set()
    for event in yaml.parse(text, Loader=loader):
        mark = event.start_mark
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            return ShapeProblem(
                f"the YAML tag {shown} is not read here",
                "write the value plainly; quote it to keep it as text",
                line,
                column,
            )
        if isinstance(event, yaml.CollectionStartEvent):
            values += 1
            depth += 1
            opened.append(_Open(event.anchor, values, depth, depth))
            if event.anchor:
                open_anchors.add(event.anchor)
            reached = depth
        elif isinstance(event, yaml.CollectionEndEvent):
            done = opened.pop()
            if done.anchor:
                size[done.anchor] = values - done.values_at_start + 1
                height[done.anchor] = done.deepest - done.depth_at_start + 1
                open_anchors.discard(done.anchor)
            depth -= 1
            if opened:
                opened[-1].deepest = max(opened[-1].deepest, done.deepest)
            continue
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor:
                size[event.anchor], height[event.anchor] = 1, 0
            reached = depth
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                return ShapeProblem(
                    f"the alias *{event.anchor} is used inside &{event.anchor} itself, "
                    "which makes an endless value",
                    "replace the alias with the value it should repeat",
                    line,
                    column,
                )
            values += size.get(event.anchor or "", 1)
            reached = depth + height.get(event.anchor or "", 0)
        else:
            continue
        if opened:
            opened[-1].deepest = max(opened[-1].deepest, reached)
        if reached > MAX_DEPTH:
            return ShapeProblem(
                f"values are nested more than {MAX_DEPTH} levels deep",
                "front-matter needs a few levels at most; check for unclosed '[' or '{' "
                "and for aliases that repeat nested values",
                line,
                column,
            )
        if values > MAX_VALUES:
            return ShapeProblem(
                f"the front-matter stands for more than {MAX_VALUES:,} values once its "
                "aliases are expanded",
                "aliases (*name) that repeat other aliases multiply; write the values out "
                "or use fewer aliases",
                line,
                column,
            )
    return None
