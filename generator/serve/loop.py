"""The dev server's build loop, without sockets: builds one at a time on one thread,
changes that arrive during a build merged into one more build, and the messages live
pages receive (Server-Sent Events: ``reload`` after a good build, ``problems`` after a
failed one).

It knows nothing of how a build works (as mkdocs' ``livereload``): it is handed a
:data:`Builder` and calls it with ``None`` (a full build) or with the set of changed
source paths. Tests drive it directly; ``server.DevServer`` puts HTTP and the watcher
around it.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, internal_error_text


@dataclass(frozen=True)
class BuildOutcome:
    """What one build did, as far as the server needs to know."""

    ok: bool
    """False when validation failed; the last good site stays in ``out_dir``."""
    problems: list[Problem]
    """Errors and warnings of this build."""
    pages: int = 0
    """Pages rendered, for the log line."""
    seconds: float = 0.0
    reused: int = 0
    """Pages taken unchanged from the previous build, for the log line."""


Builder = Callable[[frozenset[Path] | None], BuildOutcome]
"""Builds the site into ``out_dir``: ``None`` = full build, else the changed source paths."""


def overlay_item(problem: Problem) -> dict[str, str]:
    """A problem as the overlay shows it: ``where: message (hint)``, errors and warnings
    apart. ``text`` is the whole line as the terminal prints it."""
    where = problem.file
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    return {
        "severity": problem.severity,
        "where": where,
        "message": message,
        "hint": problem.hint or "",
        "text": problem.format(),
    }


def sse(event: str, data: str) -> bytes:
    return f"event: {event}\ndata: {data}\n\n".encode()


class PendingBuild:
    """Changes waiting for the next build; a full build (``None``) absorbs any set."""

    def __init__(self) -> None:
        self._waiting = False
        self._full = False
        self._paths: set[Path] = set()

    def add(self, changed: frozenset[Path] | None) -> None:
        self._waiting = True
        if changed is None:
            self._full = True
        else:
            self._paths |= changed

    def take(self) -> frozenset[Path] | None:
        changed = None if self._full else frozenset(self._paths)
        self._waiting, self._full = False, False
        self._paths.clear()
        return changed

    def __bool__(self) -> bool:
        return self._waiting


class BuildLoop:
    """Queued builds, their outcome (epoch, problems) and the live clients to tell."""

    def __init__(
        self, builder: Builder, *, server_id: str, log: Callable[[str], None], quiet: bool
    ) -> None:
        self.builder = builder
        self.server_id = server_id
        self.log = log
        self.quiet = quiet
        self._cond = threading.Condition()
        self._pending = PendingBuild()
        self._building = False
        self._stopping = False
        self._epoch = 0
        self._failed: list[dict[str, str]] | None = None
        """The last build's problems (:func:`overlay_item`) while it failed, else None."""
        self._clients: set[queue.Queue[bytes | None]] = set()

    # -- state -----------------------------------------------------------------------------

    @property
    def epoch(self) -> int:
        """Number of successful builds so far."""
        with self._cond:
            return self._epoch

    @property
    def failed(self) -> list[dict[str, str]] | None:
        """The last build's problems (:func:`overlay_item`) when it failed, else None."""
        with self._cond:
            return self._failed

    @property
    def live_clients(self) -> int:
        """Pages connected to the event stream right now."""
        with self._cond:
            return len(self._clients)

    def building(self) -> bool:
        with self._cond:
            return self._building

    # -- builds ----------------------------------------------------------------------------

    def start(self) -> None:
        with self._cond:
            self._stopping = False

    def stop(self) -> None:
        """End :meth:`run` (after a running build) and close every live client."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            clients = list(self._clients)
        for q in clients:
            q.put(None)

    def request_build(self, changed: frozenset[Path] | None = None) -> None:
        """Queue a build (``None``: full); merged with others while one is running."""
        with self._cond:
            self._pending.add(changed)
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no build is running or queued; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._stopping or not (self._pending or self._building), timeout
            )

    def run(self) -> None:
        """Build whatever is queued, one build at a time, until :meth:`stop`."""
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or bool(self._pending))
                if self._stopping:
                    return
                changed = self._pending.take()
                self._building = True
            try:
                self._build(changed)
            finally:
                with self._cond:
                    self._building = False
                    self._cond.notify_all()

    def _build(self, changed: frozenset[Path] | None) -> None:
        if changed and not self.quiet:
            names = sorted(p.name for p in changed)
            more = f" (+{len(names) - 3} more)" if len(names) > 3 else ""
            self.log(f"changed: {', '.join(names[:3])}{more}")
        t0 = time.perf_counter()
        try:
            outcome = self.builder(changed)
        except Exception as exc:
            self.log(traceback.format_exc().rstrip() + "\n" + internal_error_text(exc))
            problem = Problem(
                "goalpath",
                message=internal_error_text(exc).removeprefix("goalpath: "),
                hint="the traceback is in the terminal",
            )
            outcome = BuildOutcome(False, [problem])
        seconds = outcome.seconds or time.perf_counter() - t0
        items = [overlay_item(p) for p in outcome.problems]
        for item in items:
            self.log(item["text"])
        verb = "built" if changed is None else "rebuilt"
        if outcome.ok:
            if not self.quiet:
                kept = f" ({outcome.reused} unchanged)" if outcome.reused else ""
                n = outcome.pages
                self.log(f"{verb} {n} page{'s' * (n != 1)}{kept} in {seconds:.2f} s")
        else:
            errors = sum(p.severity == "error" for p in outcome.problems)
            self.log(
                f"build failed ({errors} error{'s' * (errors != 1)}); serving the last good site"
            )
        with self._cond:
            if outcome.ok:
                self._epoch += 1
                self._failed = None
                message = sse("reload", str(self._epoch))
            else:
                if not items:
                    items = [
                        overlay_item(
                            Problem("goalpath", message="the build failed without saying why")
                        )
                    ]
                self._failed = items
                message = sse("problems", json.dumps(self._failed))
            for q in self._clients:
                q.put(message)

    # -- live connections ------------------------------------------------------------------

    def subscribe(self) -> tuple[queue.Queue[bytes | None], bytes]:
        """Register a live client: its message queue and the greeting to send first."""
        q: queue.Queue[bytes | None] = queue.Queue()
        with self._cond:
            self._clients.add(q)
            hello = json.dumps({"epoch": self._epoch, "server": self.server_id})
            first = b"retry: 1000\n\n" + sse("hello", hello)
            if self._failed is not None:
                first += sse("problems", json.dumps(self._failed))
            if self._stopping:
                q.put(None)
        return q, first

    def unsubscribe(self, q: queue.Queue[bytes | None]) -> None:
        with self._cond:
            self._clients.discard(q)
