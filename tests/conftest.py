"""Shared fixtures: sites written from a dict, the CLI run in-process."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sitekit import MINIMAL_SITE

pytest_plugins = ["tests.browser_fixture", "tests.webtools"]


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """``make_site({"content/goals/a.md": "...", ...}, base=True)`` → the site folder."""

    def make(files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        merged: dict[str, str | bytes] = dict(MINIMAL_SITE) if base else {}
        merged.update(files or {})
        for rel, text in merged.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make
