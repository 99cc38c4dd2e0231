"""The house rules of generator/ (docs/architecture.md), checked so they stay true:
each folder imports only the stages below it, and no module outside analysis/ grows
past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

LAYER = {
    "errors": 0, "digest": 0, "text": 0, "routes": 0, "dates": 0,
    "load": 1, "data": 2, "model": 3, "analysis": 4, "charts": 5, "render": 6,
    "pages": 7, "build": 8, "serve": 9, "commands": 9, "cli": 10, "__main__": 11,
}  # fmt: skip
"""Stages from the bottom up: a module may import its own folder and any lower one."""


def _stage(parts: tuple[str, ...]) -> str:
    return parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, stage imported) for every relative import of a generator module."""
    rel = path.relative_to(PACKAGE).parts
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(rel[:-1])[: len(rel) - node.level]
            target = [*base, *(node.module or "").split(".")] if node.module else base
            names = [a.name for a in node.names] if not target else []
            for first in [target[0]] if target else names:
                out.append((node.lineno, first))
    return out


def test_each_stage_imports_only_the_stages_below_it() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue  # the public API names every stage
        own = _stage(path.relative_to(PACKAGE).parts)
        for line, stage in _imports(path):
            stage = stage.removesuffix(".py")
            if stage in LAYER and LAYER[stage] > LAYER[own]:
                upward.append(
                    f"{path.relative_to(PACKAGE)}:{line} imports {stage}/ ({own}/ is below it)"
                )
    assert upward == []


def test_no_module_outside_analysis_passes_400_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if "analysis" not in p.parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
