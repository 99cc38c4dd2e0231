"""Golden sites: each ``tests/sites/<case>/site/`` builds to exactly
``tests/sites/<case>/expected/``, byte for byte.

A change to any page shows up here as a diff to review. After an intended change:
``pytest tests/test_golden.py --update-golden``, then read ``git diff tests/sites``.
Files under ``assets/`` (theme files and the Vega bundle) are kept as a sha256 manifest,
not copies. The build runs on a copy outside the repository (no Git history: the goal
pages' history is a function of the checkout), under a far-off time zone and with
every source file's mtime moved, so neither can leak into the output.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build.builder import SiteBuilder

SITES = Path(__file__).resolve().parent / "sites"
CASES = sorted(p.name for p in SITES.iterdir() if (p / "site").is_dir())
MANIFEST = "assets.sha256"


def _output(out: Path) -> dict[str, bytes]:
    """Relative path → bytes; ``assets/`` collapsed into one manifest of digests."""
    files: dict[str, bytes] = {}
    manifest: list[str] = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel == ".goalpath-build":
            continue
        data = path.read_bytes()
        if rel.startswith("assets/"):
            manifest.append(f"{hashlib.sha256(data).hexdigest()}  {rel}")
        else:
            files[rel] = data
    files[MANIFEST] = ("\n".join(manifest) + "\n").encode()
    return files


def _expected(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _diff(name: str, want: bytes, got: bytes) -> str:
    lines = difflib.unified_diff(
        want.decode(errors="replace").splitlines(),
        got.decode(errors="replace").splitlines(),
        f"expected/{name}",
        f"built/{name}",
        lineterm="",
        n=1,
    )
    return "\n".join(list(lines)[:40])


@pytest.fixture
def far_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: a date computed locally shifts
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("case", CASES)
def test_golden_site(
    case: str, tmp_path: Path, request: pytest.FixtureRequest, far_time_zone: None
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / case / "site", site)
    for path in site.rglob("*"):  # an old mtime on every source file
        os.utime(path, (86_400.0, 86_400.0))
    result = SiteBuilder(site, tmp_path / "out").build()
    assert result.ok, [p.format() for p in result.problems]
    got = _output(tmp_path / "out")
    expected = SITES / case / "expected"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected, ignore_errors=True)
        for rel, data in got.items():
            (expected / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected / rel).write_bytes(data)
        return
    want = _expected(expected)
    assert want, f"no expected output for {case}: run pytest {__file__} --update-golden"
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    assert (missing, extra) == ([], []), f"{case}: files missing {missing}, unexpected {extra}"
    changed = [name for name in want if want[name] != got[name]]
    assert not changed, f"{case}: {len(changed)} files differ\n" + _diff(
        changed[0], want[changed[0]], got[changed[0]]
    )


def test_every_case_has_its_expected_output() -> None:
    assert CASES == ["minimal", "no-data", "subpath"]
    for case in CASES:
        assert (SITES / case / "expected" / "index.html").is_file(), case
        assert (SITES / case / "expected" / MANIFEST).is_file(), case
