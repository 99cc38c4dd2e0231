"""Find a theme's templates and static files: the site's own theme, its parents, the default.

Lookup order (mkdocs/Pelican style): ``<site>/themes/<name>/``, then the theme named
by its ``theme.toml`` ``extends = "…"``, …, then the built-in ``default`` theme. A
template may extend the one it overrides as ``"!default/base.html"``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import GoalpathError, Problem


def _builtin_themes() -> Path:
    """The repository's ``themes/`` in a checkout; the ``goalpath_themes`` package in a wheel."""
    beside = Path(__file__).resolve().parents[2] / "themes"  # generator/render/theme.py
    if (beside / "default" / "templates").is_dir():
        return beside
    import importlib.util

    spec = importlib.util.find_spec("goalpath_themes")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return beside


THEME_NAME = re.compile(r"[A-Za-z0-9_-]+")
"""A theme is a folder directly in ``themes/``: no ``/``, ``..`` or absolute paths."""

BUILTIN_THEMES = _builtin_themes()
"""Themes shipped with goalpath (``default``)."""


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[Path, ...]
    """Theme folders, most specific first; the last is the built-in default."""

    @property
    def template_dirs(self) -> list[Path]:
        return [d / "templates" for d in self.chain if (d / "templates").is_dir()]

    @property
    def static_dirs(self) -> list[Path]:
        return [d / "static" for d in self.chain if (d / "static").is_dir()]

    @property
    def default_templates(self) -> Path:
        return self.chain[-1] / "templates"

    def files(self) -> list[Path]:
        """Every file of every theme in the chain (for change detection)."""
        return sorted(p for d in self.chain for p in d.rglob("*") if p.is_file())


def resolve_theme(site_root: Path, name: str) -> Theme:
    builtin = BUILTIN_THEMES / "default"
    chain: list[Path] = []
    current: str | None = name
    while current is not None:
        candidates = [site_root / "themes" / current]
        if current == "default":
            candidates.append(builtin)
        found = [c for c in candidates if c.is_dir() and c.resolve() not in chain]
        if not found:
            if current == name and not chain:
                raise GoalpathError(
                    [
                        Problem(
                            "goalpath.toml",
                            None,
                            None,
                            "site.theme",
                            f"theme '{name}' not found",
                            f'create themes/{name}/templates/ or use theme = "default"',
                        )
                    ]
                )
            break
        chain.extend(c.resolve() for c in found)
        current = _extends(found[0], site_root) if current != "default" else None
    if builtin.resolve() not in chain:
        chain.append(builtin.resolve())
    return Theme(name, tuple(chain))


def _extends(theme_dir: Path, site_root: Path) -> str | None:
    cfg = theme_dir / "theme.toml"
    if not cfg.is_file():
        return "default"
    try:
        data = tomllib.loads(cfg.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        rel = cfg.relative_to(site_root).as_posix() if cfg.is_relative_to(site_root) else str(cfg)
        raise GoalpathError(
            [Problem(rel, None, None, None, f"cannot read theme.toml: {exc}")]
        ) from None
    parent = data.get("extends", "default")
    if not parent:
        return None
    if not isinstance(parent, str) or not THEME_NAME.fullmatch(parent):
        rel = cfg.relative_to(site_root).as_posix() if cfg.is_relative_to(site_root) else str(cfg)
        raise GoalpathError(
            [
                Problem(
                    rel,
                    None,
                    None,
                    "extends",
                    f"not a theme name: {parent!r}",
                    'name a folder in themes/ (letters, digits, - and _), or "default"',
                )
            ]
        )
    return parent
