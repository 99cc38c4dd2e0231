"""Watch source files and report each burst of saves as one set of changed paths.

:class:`Watcher` wraps watchdog's Observer over folders (recursively) and single
files (``goalpath.toml``). It keeps only real changes (created, modified, deleted,
moved — both ends of a move), drops editor temp files, hidden folders and the
output folder, and hands the paths to a :class:`Debouncer`: nothing is reported
until no event has arrived for ``debounce`` seconds (or ``max_wait`` seconds have
passed since the first one, so a constant stream still rebuilds). Then the
callback receives one ``frozenset`` of absolute paths, on the watcher's own thread.

The debouncer is pure logic over an injectable clock, so it is tested without sleeping.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

log = logging.getLogger(__name__)

Clock = Callable[[], float]
ChangeCallback = Callable[[frozenset[Path]], None]

COUNTED_EVENTS = frozenset(
    {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}
)
"""Event types that mean a file changed; opened/closed/attrib are noise."""

TEMP_SUFFIXES = (
    ".swp",
    ".swo",
    ".swx",
    ".kate-swp",
    "~",
    ".tmp",
    ".part",
    "___jb_tmp___",
    "___jb_old___",
)
"""Editor and download temp files (vim, kate, emacs backups, JetBrains safe-write)."""

TEMP_NAMES = frozenset({"4913"})
"""vim writes ``4913`` to test whether it may create files in a folder."""

TEMP_PATTERN = re.compile(r"sed[A-Za-z0-9]{6}")
"""``sed -i`` writes its new file as ``sedXXXXXX`` and renames it over the original."""


def is_temp_or_hidden(rel: Path) -> bool:
    """True for a path (relative to a watched folder) an author did not mean to edit.

    Hidden folders and files (``.git/``, ``.#draft.md``, ``.x.md.swp``) and editor temp files.
    """
    parts = rel.parts
    if any(part.startswith(".") for part in parts):
        return True
    if not parts:
        return False
    name = parts[-1]
    return name in TEMP_NAMES or name.endswith(TEMP_SUFFIXES) or bool(TEMP_PATTERN.fullmatch(name))


class Debouncer:
    """Collects changed paths and says when a burst has settled.

    A burst is due ``delay`` seconds after its last event, or ``max_wait`` seconds after
    its first, whichever comes first. Not thread-safe by itself; :class:`Watcher` locks.
    """

    def __init__(
        self, delay: float = 0.15, max_wait: float = 2.0, clock: Clock = time.monotonic
    ) -> None:
        self.delay = delay
        self.max_wait = max(max_wait, delay)
        self.clock = clock
        self._pending: set[Path] = set()
        self._first = 0.0
        self._last = 0.0

    def add(self, paths: Iterable[Path]) -> None:
        """Record one event's paths; every event restarts the quiet period."""
        new = set(paths)
        if not new:
            return
        now = self.clock()
        if not self._pending:
            self._first = now
        self._last = now
        self._pending |= new

    def deadline(self) -> float | None:
        """Clock time at which the pending burst is due, or None when nothing is pending."""
        if not self._pending:
            return None
        return min(self._last + self.delay, self._first + self.max_wait)

    def poll(self) -> frozenset[Path] | None:
        """The settled burst (and forget it), or None when nothing is due yet."""
        due = self.deadline()
        if due is None or self.clock() < due:
            return None
        batch = frozenset(self._pending)
        self._pending.clear()
        return batch

    @property
    def pending(self) -> frozenset[Path]:
        return frozenset(self._pending)


class _Events(FileSystemEventHandler):
    """Turns watchdog events into paths for the watcher; runs on the observer's thread."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind not in COUNTED_EVENTS:
            return
        if event.is_directory and kind == EVENT_TYPE_MODIFIED:
            return  # a folder's mtime changes with every file in it: the file event suffices
        raw = [event.src_path]
        if kind == EVENT_TYPE_MOVED and event.dest_path:
            raw.append(event.dest_path)
        self.watcher.notify(Path(os.fsdecode(p)) for p in raw)


class Watcher:
    """Watches folders (recursively) and files; calls ``callback`` once per settled burst."""

    def __init__(
        self,
        paths: Iterable[Path],
        callback: ChangeCallback,
        *,
        ignore: Iterable[Path] = (),
        debounce: float = 0.15,
        max_wait: float = 2.0,
    ) -> None:
        self.callback = callback
        self._dirs: list[Path] = []
        self._files: set[Path] = set()
        for p in paths:
            path = Path(p).resolve()
            if path.is_file():
                self._files.add(path)
            elif path.is_dir() or not path.suffix:
                self._dirs.append(path)  # a missing folder is watched once it appears
            else:
                self._files.add(path)
        self._ignore = [Path(p).resolve() for p in ignore]
        self._debouncer = Debouncer(debounce, max_wait)
        self._cond = threading.Condition()
        self._stopping = False
        self._observer: BaseObserver | None = None
        self._flusher: threading.Thread | None = None
        self._scheduled: dict[Path, tuple[bool, ObservedWatch, tuple[int, int]]] = {}
        self._handler = _Events(self)

    # -- filtering -------------------------------------------------------------------------

    def accepts(self, path: Path) -> bool:
        """Whether a change to ``path`` (absolute) should trigger a rebuild."""
        if path in self._files:
            return True
        if any(path == ig or path.is_relative_to(ig) for ig in self._ignore):
            return False
        for d in self._dirs:
            if path == d or path.is_relative_to(d):
                return not is_temp_or_hidden(path.relative_to(d))
        return False

    def notify(self, paths: Iterable[Path]) -> None:
        """Feed changed paths (from watchdog, or a test); filtered, then debounced."""
        kept = [p for p in paths if self.accepts(p)]
        if not kept:
            return
        with self._cond:
            self._debouncer.add(kept)
            self._cond.notify_all()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self._observer is not None:
            return
        self._stopping = False
        self._observer = Observer()
        self._observer.daemon = True
        self._refresh_schedules()
        self._observer.start()
        self._flusher = threading.Thread(target=self._run, name="goalpath-watch", daemon=True)
        self._flusher.start()

    def stop(self) -> None:
        """Stop watching; a burst still pending is dropped. Safe to call twice."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
        if self._flusher is not None and self._flusher is not threading.current_thread():
            self._flusher.join(timeout=5)
        self._flusher = None
        if observer is not None:
            observer.join(timeout=5)
        self._scheduled.clear()

    def _run(self) -> None:
        with self._cond:
            while not self._stopping:
                batch = self._debouncer.poll()
                if batch is None:
                    due = self._debouncer.deadline()
                    timeout = None if due is None else max(0.0, due - self._debouncer.clock())
                    self._cond.wait(timeout)
                    continue
                self._cond.release()
                try:
                    self._refresh_schedules()
                    self.callback(batch)
                except Exception:
                    log.exception("change callback failed")
                finally:
                    self._cond.acquire()

    def _targets(self) -> dict[Path, bool]:
        """Folder → recursive? for what must be scheduled now (missing paths: nearest parent)."""
        targets: dict[Path, bool] = {}
        for d in self._dirs:
            if d.is_dir():
                targets[d] = True
            else:
                targets.setdefault(_existing_ancestor(d), False)
        for f in self._files:
            targets.setdefault(_existing_ancestor(f.parent), False)
        recursive = [d for d, r in targets.items() if r]
        return {
            d: r
            for d, r in targets.items()
            if r or not any(d == x or d.is_relative_to(x) for x in recursive)
        }

    def _refresh_schedules(self) -> None:
        """Schedule new targets; re-schedule folders that were replaced or became recursive."""
        observer = self._observer
        if observer is None:
            return
        targets = self._targets()
        for path, (recursive, watch, ident) in list(self._scheduled.items()):
            if targets.get(path) != recursive or _identity(path) != ident:
                with contextlib.suppress(KeyError, OSError):
                    observer.unschedule(watch)
                del self._scheduled[path]
        for path, recursive in targets.items():
            if path in self._scheduled:
                continue
            try:
                watch = observer.schedule(self._handler, str(path), recursive=recursive)
            except OSError as exc:
                log.warning("cannot watch %s: %s", path, exc)
                continue
            self._scheduled[path] = (recursive, watch, _identity(path))


def _existing_ancestor(path: Path) -> Path:
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


def _identity(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_dev, st.st_ino)
