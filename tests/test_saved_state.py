"""``goalpath build`` starts from the state the last build saved (``build/saved_state.py``):
after a one-goal edit only the pages it touches are rendered, and the site is byte for
byte a clean build's. The state is trusted only when signed with this user's key: a
foreign or damaged file is ignored with a warning and never unpickled."""

from __future__ import annotations

import os
import pickle
import re
import stat
from pathlib import Path

import pytest

from generator.build import saved_state
from generator.build.builder import SiteBuilder
from generator.cli import main

from .test_incremental import tree


def _build(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["build", "--site", str(root), *args])
    return code, capsys.readouterr().err


def _rendered(err: str) -> int:
    m = re.search(r"\((\d+) pages\)", err)
    assert m, err
    return int(m.group(1))


def _state_files(root: Path) -> list[Path]:
    return sorted((root / ".goalpath-cache").glob("state-*.pickle"))


def test_an_edit_renders_only_what_it_touches_and_equals_a_clean_build(
    make_site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site()
    code, err = _build(root, capsys)
    assert code == 0
    everything = _rendered(err)
    (state,) = _state_files(root)
    assert stat.S_IMODE(saved_state.key_file().stat().st_mode) == 0o600
    goal = root / "content/goals/grow-sales.md"
    goal.write_text(goal.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    code, err = _build(root, capsys)
    assert code == 0 and "warning" not in err
    assert _rendered(err) == 1 < everything
    clean = SiteBuilder(root, tmp_path / "clean").build()
    assert clean.ok
    assert tree(root / "build") == tree(tmp_path / "clean")
    code, err = _build(root, capsys, "--force")
    assert _rendered(err) == everything  # --force builds without the saved state
    assert tree(root / "build") == tree(tmp_path / "clean")


def test_a_damaged_state_is_ignored_with_a_warning(
    make_site, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site()
    assert _build(root, capsys)[0] == 0
    (state,) = _state_files(root)
    blob = bytearray(state.read_bytes())
    blob[-10] ^= 0xFF
    state.write_bytes(bytes(blob))
    goal = root / "content/goals/grow-sales.md"
    goal.write_text(goal.read_text(encoding="utf-8") + "\nEdit.\n", encoding="utf-8")
    code, err = _build(root, capsys)
    assert code == 0
    assert "saved build state was not written by your goalpath, or it is damaged" in err
    goal.write_text(goal.read_text(encoding="utf-8") + "\nAgain.\n", encoding="utf-8")
    code, err = _build(root, capsys)
    assert "saved build state" not in err  # written again, whole, and taken
    assert _rendered(err) == 1
    assert "saved build state" not in _build(root, capsys)[1]  # up to date: not replayed


class _Trap:
    """Unpickling this would create the file ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, int]]:
        return (os.open, (str(self.path), os.O_CREAT | os.O_WRONLY))


def test_a_state_file_from_elsewhere_is_never_unpickled(
    make_site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A repository could ship .goalpath-cache/: its pickle must not run."""
    root = make_site()
    assert _build(root, capsys)[0] == 0
    (state,) = _state_files(root)
    trap = tmp_path / "pwned"
    payload = pickle.dumps({"version": "x", "state": _Trap(trap)})
    from generator.build.up_to_date import own_digest

    company = root / "content/goals/company.md"
    # the best an attacker can do: the header of this very goalpath (its digest is
    # public), a made-up signature; and a file in the format of no goalpath at all
    for head in (
        saved_state.FORMAT + saved_state._version_line(own_digest()) + b"\0" * 32,
        b"PK\x03\x04" + b"\0" * 100,
    ):
        state.write_bytes(head + payload)
        company.write_text(company.read_text(encoding="utf-8") + "\nx\n", encoding="utf-8")
        code, err = _build(root, capsys)
        assert code == 0 and "not written by your goalpath" in err
        assert not trap.exists()


def test_a_state_of_another_goalpath_version_is_ignored_silently(
    make_site, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site()
    code, err = _build(root, capsys)
    everything = _rendered(err)
    (state,) = _state_files(root)
    assert saved_state.save(state, "an older goalpath", {"pages": {}})
    (root / "content/goals/company.md").write_text(
        (root / "content/goals/company.md").read_text(encoding="utf-8") + "\nx\n",
        encoding="utf-8",
    )
    code, err = _build(root, capsys)
    assert code == 0 and "warning" not in err
    assert _rendered(err) == everything


def test_a_restored_state_unpacks_only_the_charts_a_page_asks_for(
    make_site, tmp_path: Path
) -> None:
    """Goal charts stay pickled inside the restored state (``memo.Packed``) until a page
    that is rendered again asks for them; the site is still a clean build's."""
    from generator.build import memo as build_memo

    root = make_site()
    first = SiteBuilder(root, root / "build", persist=True)
    assert first.build().ok
    assert sorted(first._memo._goal_charts) == ["company", "grow-sales"]
    charts = first._memo._goal_charts["grow-sales"][1].get()
    assert "kpi" in charts
    goal = root / "content/goals/grow-sales.md"
    goal.write_text(goal.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    second = SiteBuilder(root, root / "build", persist=True)
    result = second.build()
    assert result.ok and result.pages == 1
    kept = second._memo._goal_charts
    unpacked = [g for g, (_, packed) in kept.items() if packed._value is not build_memo._UNSET]
    assert unpacked == ["grow-sales"]  # the edited goal's page asked; none of the others
    assert SiteBuilder(root, tmp_path / "clean").build().ok
    assert tree(root / "build") == tree(tmp_path / "clean")
    again = pickle.loads(pickle.dumps(first._memo._goal_charts["grow-sales"][1]))
    assert again.get() == charts and again.get() is not charts
