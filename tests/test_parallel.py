"""Per-goal work and page rendering on several processes: the same results, in the same
order, as one process; cache entries made in a child come back; a child's error is the
build's error."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from generator.build.builder import SiteBuilder
from generator.build.disk_cache import KeptValues
from generator.build.parallel import MIN_ITEMS_ENV, WORKERS_ENV, ForkMapper
from tests.test_build import tree_digest

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork (Linux)"
)


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "2")
    monkeypatch.setenv(MIN_ITEMS_ENV, "2")


def square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_come_back_in_order_from_other_processes(two_workers: None) -> None:
    mapper = ForkMapper()
    out = mapper(square_and_pid, list(range(50)))
    assert [v for v, _ in out] == [x * x for x in range(50)]
    assert mapper.forked == 1
    assert os.getpid() not in {pid for _, pid in out}


def test_one_worker_or_few_items_stay_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_ENV, "1")
    mapper = ForkMapper()
    assert {pid for _, pid in mapper(square_and_pid, list(range(300)))} == {os.getpid()}
    monkeypatch.setenv(WORKERS_ENV, "2")
    monkeypatch.delenv(MIN_ITEMS_ENV, raising=False)
    few = ForkMapper(min_items=100)
    assert {pid for _, pid in few(square_and_pid, list(range(99)))} == {os.getpid()}
    assert few.forked == 0


def test_cache_entries_made_in_a_child_are_merged_back(two_workers: None) -> None:
    kept = KeptValues({"old": 1, "unused": 2})
    kept.start()

    def fill(x: int) -> int:
        kept[f"fit-{x}"] = x * 10  # a fit computed in the child
        return kept["old"] if x == 0 else x  # and one taken from the cache

    mapper = ForkMapper([kept])
    assert mapper(fill, list(range(6))) == [1, 1, 2, 3, 4, 5]
    assert mapper.forked == 1
    assert kept.kept() == {"old": 1, **{f"fit-{x}": x * 10 for x in range(6)}}


def test_an_error_in_a_child_is_raised_here(two_workers: None) -> None:
    def fail(x: int) -> int:
        if x == 3:
            raise ValueError("goal 3 cannot be analysed")
        return x

    with pytest.raises(ValueError, match="goal 3"):
        ForkMapper()(fail, list(range(8)))


def test_a_build_on_two_processes_is_the_build_on_one(
    make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site()
    monkeypatch.setenv(WORKERS_ENV, "1")
    serial = SiteBuilder(root, tmp_path / "serial").build()
    assert serial.ok
    serial_cache = json.loads((root / ".goalpath-cache" / "fits.json").read_text())
    (root / ".goalpath-cache" / "fits.json").unlink()
    monkeypatch.setenv(WORKERS_ENV, "2")
    monkeypatch.setenv(MIN_ITEMS_ENV, "2")  # every stage forks, even on this small site
    forked = SiteBuilder(root, tmp_path / "forked").build()
    assert forked.ok
    assert tree_digest(tmp_path / "serial") == tree_digest(tmp_path / "forked")
    assert forked.pages == serial.pages
    # the fits computed in the children reached the cache the next build reads
    forked_cache = json.loads((root / ".goalpath-cache" / "fits.json").read_text())
    assert forked_cache == serial_cache and forked_cache["values"]
