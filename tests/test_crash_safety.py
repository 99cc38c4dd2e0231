"""A build killed at any moment leaves ``build/`` complete; two builds of the same input
are byte-identical (issue 14). Real processes: ``python -m generator build`` killed with
SIGKILL, and builds from other folders, time zones, hash seeds, locales and mtimes.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import output
from generator.build.builder import SiteBuilder

from .sitekit import MINIMAL_SITE, write_site

GOAL = "content/goals/grow-sales.md"


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build_cmd(root: Path) -> list[str]:
    """A build that runs even when nothing changed (not the up-to-date shortcut)."""
    return [sys.executable, "-m", "generator", "build", "--site", str(root), "-q", "--force"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOALPATH_")}
    env.update(extra)
    return env


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# -- SIGKILL at random moments ----------------------------------------------------------------


def test_sigkill_at_any_moment_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    """Eight builds killed at random moments of their run (seeded), each alternating the
    goal's title: after every kill ``build/`` is exactly the previous complete site or
    the new one, and the next build cleans what the killed one left beside it."""
    root = write_site(tmp_path / "site", dict(MINIMAL_SITE))
    titles = ["Grow sales in the north by 10%", "Grow sales in the north by 12%"]
    sites: dict[str, dict[str, str]] = {}
    for title in titles:  # the two complete sites, to compare against
        _set_title(root, title)
        subprocess.run(_build_cmd(root), check=True, env=_env(), timeout=120)
        sites[title] = _tree(root / "build")
    assert sites[titles[0]] != sites[titles[1]]
    t0 = time.monotonic()
    subprocess.run(_build_cmd(root), check=True, env=_env(), timeout=120)
    full = time.monotonic() - t0
    rng = random.Random(14)
    current = titles[1]
    for kill in range(8):
        new = titles[kill % 2]
        _set_title(root, new)
        proc = subprocess.Popen(_build_cmd(root), env=_env(), stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, full * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        finished = proc.returncode == 0
        output.recover(root / "build")  # what the next build does first
        got = _tree(root / "build")
        assert got in (sites[current], sites[new]), f"kill {kill}: a half site"
        if finished or got == sites[new]:
            current = new
        leftovers = [p.name for p in root.iterdir() if p.name.startswith(".build.")]
        assert leftovers == [], leftovers
    subprocess.run(_build_cmd(root), check=True, env=_env(), timeout=120)
    assert _tree(root / "build") == sites[titles[1]]


def _set_title(root: Path, title: str) -> None:
    path = root / GOAL
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = f"title: {title}\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_the_swap_is_one_atomic_exchange(tmp_path: Path) -> None:
    """On Linux the new site takes the old one's place in one rename(2): there is no
    moment without ``build/`` (the old one is removed after, from the staging path)."""
    out = tmp_path / "build"
    out.mkdir()
    (out / "old.txt").write_text("old")
    staging = output.new_staging_dir(out)
    (staging / "new.txt").write_text("new")
    assert output._exchange(staging, out)  # noqa: SLF001 - the primitive itself
    assert (out / "new.txt").is_file() and (staging / "old.txt").is_file()


def test_a_site_set_aside_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    """Where the exchange is not available, the old site is renamed aside, then the new
    one into place; a kill between the two leaves no ``build/``. The next build puts the
    old site back first, so even when that build fails, the last good site is served."""
    root = write_site(tmp_path / "site", dict(MINIMAL_SITE))
    assert SiteBuilder(root, root / "build").build().ok
    good = _tree(root / "build")
    aside = root / f".build.old-{_dead_pid()}"
    os.replace(root / "build", aside)  # the state a kill between the renames leaves
    (root / GOAL).write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    result = SiteBuilder(root, root / "build").build()
    assert not result.ok
    assert _tree(root / "build") == good
    assert not aside.exists()


def test_the_fallback_renames_leave_a_complete_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    root = write_site(tmp_path / "site", dict(MINIMAL_SITE))
    assert SiteBuilder(root, root / "build").build().ok
    first = _tree(root / "build")
    assert SiteBuilder(root, root / "build").build().ok
    assert _tree(root / "build") == first
    assert [p.name for p in root.iterdir() if p.name.startswith(".build.")] == []


def test_leftovers_of_killed_builds_are_removed_but_a_running_build_is_left_alone(
    tmp_path: Path,
) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / output.MARKER).write_text("x")
    dead = _dead_pid()
    for name in (f".build.tmp-{dead}-abcd1234", f".build.old-{dead}"):
        (tmp_path / name / "goals").mkdir(parents=True)
    old_style = tmp_path / ".build.tmp-k3j2h1"  # an older goalpath's mkdtemp name
    old_style.mkdir()
    os.utime(old_style, (time.time() - 7200, time.time() - 7200))
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        running = tmp_path / f".build.tmp-{live.pid}-ffff0000"
        running.mkdir()
        unrelated = tmp_path / ".buildx.tmp-1"
        unrelated.mkdir()
        done = output.recover(out)
        assert len(done) == 3, done
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == sorted(["build", running.name, unrelated.name])
    finally:
        live.kill()
        live.wait()


def test_the_site_gets_the_usual_permissions(tmp_path: Path) -> None:
    """0755 folders and 0644 files under umask 022 (tempfile.mkdtemp made 0700, and a web
    server running as another user answered 403 for the whole site)."""
    root = write_site(tmp_path / "site", dict(MINIMAL_SITE))
    cmd = f"umask 022 && exec {' '.join(map(str, _build_cmd(root)))}"
    for _ in range(2):  # the first build, and one that replaces a site
        subprocess.run(["sh", "-c", cmd], check=True, env=_env(), timeout=120)
        modes = {
            stat.S_IMODE(p.stat().st_mode) for p in [root / "build", *(root / "build").rglob("*")]
        }
        folders = {
            stat.S_IMODE(p.stat().st_mode) for p in (root / "build").rglob("*") if p.is_dir()
        }
        assert stat.S_IMODE((root / "build").stat().st_mode) == 0o755
        assert folders == {0o755} and modes == {0o755, 0o644}


# -- determinism ------------------------------------------------------------------------------


def test_builds_are_byte_identical_across_folders_zones_seeds_locales_and_mtimes(
    tmp_path: Path,
) -> None:
    """The same input, built by fresh processes: from another folder, in time zones a day
    apart, with other hash seeds and locale, after every mtime changed, with and without
    the cache, on one core and two: the same bytes."""
    a = write_site(tmp_path / "a" / "site", dict(MINIMAL_SITE))
    b = tmp_path / "elsewhere" / "deeper" / "site"
    shutil.copytree(a, b)
    today = ["--today", "2026-07-01"]
    subprocess.run(
        [*_build_cmd(a), *today], check=True, timeout=120,
        env=_env(TZ="Pacific/Kiritimati", PYTHONHASHSEED="1", LC_ALL="C"),
    )  # fmt: skip
    for path in b.rglob("*"):
        os.utime(path, (1e9, 1e9))
    runs = [
        _env(TZ="Pacific/Pago_Pago", PYTHONHASHSEED="12345", LC_ALL="C.UTF-8"),
        _env(TZ="UTC", PYTHONHASHSEED="random", GOALPATH_WORKERS="1", LANG="de_DE.UTF-8"),
        _env(TZ="Asia/Kolkata", PYTHONHASHSEED="0", GOALPATH_PARALLEL_FROM="1"),
    ]
    want = _tree(a / "build")
    for i, env in enumerate(runs):
        if i == 1:
            shutil.rmtree(b / ".goalpath-cache", ignore_errors=True)
        subprocess.run([*_build_cmd(b), *today], check=True, timeout=120, env=env)
        got = _tree(b / "build")
        assert got == want, (i, sorted(k for k in want if got.get(k) != want[k])[:5])
