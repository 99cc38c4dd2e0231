"""Shared fixtures: sites written from a dict, the CLI run in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.sitekit import MINIMAL_SITE, write_site

pytest_plugins = ["tests.browser_fixture", "tests.webtools"]


@pytest.fixture(autouse=True, scope="session")
def _own_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``goalpath build`` signs its saved state with a key under the user's cache folder
    (``build/saved_state.py``): the tests keep theirs in a temp folder, not in $HOME."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """``make_site({"content/goals/a.md": "...", ...}, base=True)`` → the site folder."""

    def make(files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
        merged: dict[str, str | bytes] = dict(MINIMAL_SITE) if base else {}
        merged.update(files or {})
        return write_site(tmp_path / "site", merged)

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/sites/<case>/expected/ from the current build (then review git diff)",
    )
