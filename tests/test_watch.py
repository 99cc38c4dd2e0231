"""Watcher: the debouncer with a fake clock, path filtering, and once on the real filesystem."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from generator.serve.watch import Debouncer, Watcher, is_temp_or_hidden


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0  # steps below are exact binary fractions: no float surprises

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


P = Path("/site/content/goals/a.md")
Q = Path("/site/content/goals/b.md")


# -- debouncer (deterministic) ---------------------------------------------------------------


def test_burst_of_events_flushes_once_after_quiet_period() -> None:
    clock = FakeClock()
    d = Debouncer(0.25, 2.0, clock)
    for _ in range(20):
        d.add([P])
        clock.advance(0.0078125)
    d.add([Q])
    assert d.poll() is None
    clock.advance(0.125)
    assert d.poll() is None
    clock.advance(0.125)
    assert d.poll() == frozenset({P, Q})
    assert d.poll() is None
    assert d.deadline() is None


def test_every_event_restarts_the_quiet_period() -> None:
    clock = FakeClock()
    d = Debouncer(0.25, 2.0, clock)
    d.add([P])
    assert d.deadline() == 0.25
    clock.advance(0.125)
    d.add([P])  # the same path again still counts as activity
    assert d.deadline() == 0.375
    clock.advance(0.125)
    assert d.poll() is None
    clock.advance(0.125)
    assert d.poll() == frozenset({P})


def test_constant_stream_flushes_at_max_wait() -> None:
    clock = FakeClock()
    d = Debouncer(0.25, 2.0, clock)
    flushes = []
    for _ in range(40):  # an event every 0.125 s for 5 s: never quiet for 0.25 s
        d.add([P])
        if (batch := d.poll()) is not None:
            flushes.append((clock.now, batch))
        clock.advance(0.125)
    assert [t for t, _ in flushes] == [2.0, 4.125]
    assert all(batch == frozenset({P}) for _, batch in flushes)


def test_empty_add_is_not_an_event() -> None:
    clock = FakeClock()
    d = Debouncer(0.15, 2.0, clock)
    d.add([])
    assert d.deadline() is None
    assert d.poll() is None
    assert d.pending == frozenset()


def test_second_burst_starts_a_new_max_wait_window() -> None:
    clock = FakeClock()
    d = Debouncer(0.15, 2.0, clock)
    d.add([P])
    clock.advance(0.25)
    assert d.poll() == frozenset({P})
    clock.advance(5.0)
    d.add([Q])
    assert d.deadline() == clock.now + 0.15


# -- filtering -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "ignored"),
    [
        ("goals/a.md", False),
        ("kpis.csv", False),
        ("goals/.a.md.swp", True),
        ("goals/a.md.swp", True),
        ("goals/a.md~", True),
        ("goals/.#a.md", True),
        ("goals/4913", True),
        ("goals/a.md.tmp", True),
        ("goals/a.md___jb_tmp___", True),
        ("goals/sedx8Qz1a", True),
        ("goals/sed-notes.md", False),
        (".git/index", True),
        ("goals/.hidden/a.md", True),
    ],
)
def test_temp_and_hidden_paths(rel: str, ignored: bool) -> None:
    assert is_temp_or_hidden(Path(rel)) is ignored


def test_watcher_accepts_sources_only(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "goalpath.toml").write_text("")
    out = tmp_path / "content" / "build"  # an output folder inside a watched one
    w = Watcher(
        [tmp_path / "content", tmp_path / "goalpath.toml", tmp_path / "data"],
        lambda _: None,
        ignore=[out],
    )
    assert w.accepts(tmp_path / "content" / "goals" / "a.md")
    assert w.accepts(tmp_path / "goalpath.toml")
    assert w.accepts(tmp_path / "data")  # missing folder: its creation counts
    assert w.accepts(tmp_path / "data" / "kpis.csv")
    assert not w.accepts(tmp_path / "README.md")  # next to goalpath.toml, not watched
    assert not w.accepts(out / "index.html")
    assert not w.accepts(tmp_path / "content" / "goals" / ".a.md.swp")


# -- real filesystem ---------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.batches: list[frozenset[Path]] = []
        self.event = threading.Event()

    def __call__(self, batch: frozenset[Path]) -> None:
        self.batches.append(batch)
        self.event.set()

    def wait(self, timeout: float = 3.0) -> frozenset[Path]:
        assert self.event.wait(timeout), "no callback"
        self.event.clear()
        return self.batches[-1]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "content" / "goals").mkdir(parents=True)
    (tmp_path / "goalpath.toml").write_text("title = 'x'\n")
    return tmp_path.resolve()


def test_twenty_rapid_writes_give_one_callback(tree: Path) -> None:
    rec = Recorder()
    # a quiet period longer than the default, so a busy test machine that stalls this
    # loop for a moment does not split the burst; the logic is the same at 0.15 s
    w = Watcher(
        [tree / "content", tree / "goalpath.toml"],
        rec,
        ignore=[tree / "build"],
        debounce=0.4,
        max_wait=5.0,
    )
    w.start()
    try:
        target = tree / "content" / "goals" / "a.md"
        started = time.monotonic()
        for i in range(20):
            target.write_text(f"version {i}\n")
        (tree / "goalpath.toml").write_text("title = 'y'\n")
        (tree / "content" / "goals" / ".a.md.swp").write_text("swap")
        (tree / "README.md").write_text("not watched")
        burst = time.monotonic() - started
        assert rec.wait(6.0) == frozenset({target, tree / "goalpath.toml"})
        assert time.monotonic() - started >= 0.4  # not before the quiet period
        time.sleep(0.6)  # well past the quiet period: nothing else arrives
        assert len(rec.batches) == 1, (rec.batches, f"the burst took {burst:.2f} s")
    finally:
        w.stop()


def test_atomic_save_by_rename_reports_the_real_file(tree: Path) -> None:
    rec = Recorder()
    out = tree / "content" / "build"
    out.mkdir()
    w = Watcher([tree / "content"], rec, ignore=[out], debounce=0.05)
    w.start()
    try:
        tmp = tree / "content" / "goals" / "a.md.tmp"
        tmp.write_text("new text\n")
        os.replace(tmp, tree / "content" / "goals" / "a.md")
        (out / "index.html").write_text("output is ignored")
        assert rec.wait() == frozenset({tree / "content" / "goals" / "a.md"})
        # a moved-away file counts at both ends
        os.replace(tree / "content" / "goals" / "a.md", tree / "content" / "goals" / "b.md")
        assert rec.wait() == frozenset(
            {tree / "content" / "goals" / "a.md", tree / "content" / "goals" / "b.md"}
        )
    finally:
        w.stop()


def test_folder_created_after_start_is_watched(tree: Path) -> None:
    rec = Recorder()
    w = Watcher([tree / "content", tree / "data"], rec, debounce=0.05)
    w.start()
    try:
        (tree / "data").mkdir()
        assert tree / "data" in rec.wait()
        (tree / "data" / "kpis.csv").write_text("date,metric,value\n")
        assert tree / "data" / "kpis.csv" in rec.wait()
    finally:
        w.stop()


def test_stop_is_idempotent_and_quiet(tree: Path) -> None:
    rec = Recorder()
    w = Watcher([tree / "content"], rec)
    w.start()
    w.stop()
    w.stop()
    (tree / "content" / "goals" / "a.md").write_text("after stop\n")
    time.sleep(0.3)
    assert rec.batches == []
