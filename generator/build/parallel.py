"""Per-item work (a goal's analysis, its period-review snapshots, a path's funnels) on
every core, when there is enough of it to pay for the processes.

The analysis stays unaware of processes: it takes a *mapper*, ``mapper(fn, items)`` →
``[fn(item) for item in items]``, and this module supplies one that forks. Each item is
computed independently and the results come back in the items' order, so the output is
the same bytes whatever the number of workers (``tests/test_parallel.py``).

Fork (not spawn): the children inherit the loaded data and the function to run, so
nothing but the results is pickled. Where fork does not exist (Windows, macOS by
default) or ``GOALPATH_WORKERS=1``, items are computed in this process. The values a
child takes from or adds to the disk caches (remembered series fits) are sent back and
merged, so the cache fills as it would in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .disk_cache import KeptValues

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "GOALPATH_WORKERS"
"""Environment variable: how many processes (1 = no pool). Default: the usable cores."""
MIN_ITEMS_ENV = "GOALPATH_PARALLEL_FROM"
"""Environment variable: the fewest items worth a pool (tests set it low)."""
MIN_ITEMS = 100
"""Below this many items a pool costs more than it saves (forking, pickling results)."""

_task: Callable[[Any], Any] | None = None
_kept: tuple[KeptValues, ...] = ()


def workers() -> int:
    """Processes to use: ``GOALPATH_WORKERS`` if set, else the cores this process may use."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if raw.isdigit():
        return max(1, int(raw))
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _min_items(default: int) -> int:
    raw = os.environ.get(MIN_ITEMS_ENV, "").strip()
    return max(1, int(raw)) if raw.isdigit() else default


def _run_chunk(items: Sequence[Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    assert _task is not None, "the task is set before the pool forks"
    for kept in _kept:
        kept.start()
    results = [_task(item) for item in items]
    return results, [kept.kept() for kept in _kept]


def _chunks(items: Sequence[T], n: int) -> list[Sequence[T]]:
    """Contiguous chunks, a few per worker so a slow chunk does not hold up the rest."""
    size = max(1, -(-len(items) // (n * 4)))
    return [items[i : i + size] for i in range(0, len(items), size)]


class ForkMapper:
    """``mapper(fn, items)``: ``[fn(x) for x in items]``, on ``workers()`` processes when
    there are at least ``min_items`` (``GOALPATH_PARALLEL_FROM`` if set) items.

    ``kept``: the disk-cache value stores the work reads and fills (their entries used in
    a child are merged back into them)."""

    def __init__(self, kept: Sequence[KeptValues] = (), min_items: int = MIN_ITEMS) -> None:
        self.kept = tuple(kept)
        self.min_items = min_items
        self.forked = 0
        """How many calls ran on a pool (for tests and the benchmark)."""

    def __call__(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        global _task, _kept
        items = list(items)
        n = min(workers(), len(items))
        if (
            n < 2
            or len(items) < _min_items(self.min_items)
            or "fork" not in multiprocessing.get_all_start_methods()
            or _task is not None  # already inside a pool's child: no pools of pools
        ):
            return [fn(item) for item in items]
        _task, _kept = fn, self.kept
        # the children's garbage collector leaves the inherited objects alone, so their
        # memory pages stay shared with this process instead of being copied
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(n) as pool:
                parts = pool.map(_run_chunk, _chunks(items, n), chunksize=1)
        finally:
            _task, _kept = None, ()
            gc.unfreeze()
        self.forked += 1
        out: list[R] = []
        for results, used in parts:
            out.extend(results)
            for kept, entries in zip(self.kept, used, strict=True):
                for key, value in entries.items():
                    kept[key] = value
        return out

