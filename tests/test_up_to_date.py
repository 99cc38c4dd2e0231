"""``goalpath build`` with nothing changed since the last build: ``build/`` is left as it
is (it already holds those bytes), the warnings are printed again, and neither pandas nor
Jinja is imported. Any change to an input, an option, the report date or the output
itself makes the build run (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import cli
from generator.build import up_to_date

from .sitekit import MINIMAL_SITE, write_site

UP_TO_DATE = "is up to date: nothing changed since the last build"


def _files(out: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    root = write_site(
        tmp_path / "site",
        {**MINIMAL_SITE, "content/pages/x.md": "---\ntitle: X\ncolour: red\n---\nx\n"},
    )

    def build(*extra: str) -> tuple[int, str]:
        code = cli.main(["build", "--site", str(root), *extra])
        return code, capsys.readouterr().err

    build.root = root  # type: ignore[attr-defined]
    return build


def test_nothing_changed_leaves_build_alone_and_repeats_the_warnings(
    built: Callable[..., tuple[int, str]],
) -> None:
    root: Path = built.root  # type: ignore[attr-defined]
    code, first = built()
    assert code == 0 and "built " in first and "colour: unknown field" in first
    before = _files(root / "build")
    code, again = built()
    assert code == 0 and UP_TO_DATE in again
    assert (
        [line for line in again.splitlines() if ": warning: " in line]
        == [line for line in first.splitlines() if ": warning: " in line]
        != []
    )
    assert _files(root / "build") == before  # not even rewritten
    code, forced = built("--force")
    assert code == 0 and "built " in forced
    assert {k: v[0] for k, v in _files(root / "build").items()} == {
        k: v[0] for k, v in before.items()
    }  # what the shortcut kept is what a build writes


@pytest.mark.parametrize(
    "change",
    [
        "edit content",
        "touch nothing but add a data file",
        "edit a theme file",
        "edit goalpath.toml",
        "delete an output file",
        "edit an output file",
        "other base url",
        "other report date",
        "corrupt record",
    ],
)
def test_any_change_builds_again(built: Callable[..., tuple[int, str]], change: str) -> None:
    root: Path = built.root  # type: ignore[attr-defined]
    assert built()[0] == 0
    assert UP_TO_DATE in built()[1]
    extra: list[str] = []
    if change == "edit content":
        goal = root / "content/goals/grow-sales.md"
        goal.write_text(goal.read_text().replace("Head of Sales", "Head of Revenue"))
    elif change == "touch nothing but add a data file":
        (root / "data/kpis.parquet").write_bytes(b"not read while kpis.csv exists")
    elif change == "edit a theme file":
        (root / "themes/default/static").mkdir(parents=True)
        (root / "themes/default/static/extra.css").write_text("p{}")
    elif change == "edit goalpath.toml":
        (root / "goalpath.toml").write_text(
            (root / "goalpath.toml").read_text().replace("Test Org", "Other Org")
        )
    elif change == "delete an output file":
        (root / "build/about/index.html").unlink()
    elif change == "edit an output file":
        page = root / "build/index.html"
        page.write_text(page.read_text() + " ")
    elif change == "other base url":
        extra = ["--base-url", "/intranet/"]
    elif change == "other report date":
        extra = ["--today", "2026-07-02"]
    elif change == "corrupt record":
        for record in (root / ".goalpath-cache").glob("build-*.json"):
            record.write_text("{not json")
    code, err = built(*extra)
    assert code == 0 and UP_TO_DATE not in err and "built " in err, err


def test_a_sql_source_always_builds(tmp_path: Path) -> None:
    (tmp_path / "goalpath.toml").write_text(
        '[data.sources.kpis]\nurl = "postgresql://db/x"\ntable = "kpis"\n'
    )
    assert up_to_date.input_key(tmp_path, {}) is None
    (tmp_path / "goalpath.toml").write_text('[site]\ntitle = "x"\n')
    assert up_to_date.input_key(tmp_path, {}) is not None


def test_the_shortcut_imports_neither_pandas_nor_jinja(
    built: Callable[..., tuple[int, str]],
) -> None:
    root: Path = built.root  # type: ignore[attr-defined]
    assert built()[0] == 0
    script = (
        "import sys; from generator import cli; "
        f"code = cli.main(['build', '--site', {str(root)!r}, '-q']); "
        "print(json.dumps([code, sorted(m for m in ('pandas', 'jinja2', 'altair', 'numpy') "
        "if m in sys.modules)]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOALPATH_")}
    out = subprocess.run(
        [sys.executable, "-c", "import json; " + script],
        capture_output=True, text=True, check=True, env=env, timeout=60,
    )  # fmt: skip
    assert json.loads(out.stdout) == [0, []]


def test_library_versions_are_read_as_importlib_metadata_reads_them() -> None:
    """The up-to-date digest names each library's version from its dist-info folder
    (no metadata parsing); it must be the version importlib.metadata reports."""
    from importlib import metadata

    from generator.build import up_to_date

    found = up_to_date.installed_versions()
    for name in up_to_date.LIBRARIES:
        assert found[up_to_date._normal(name)] == metadata.version(name), name
