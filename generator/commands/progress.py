"""The one-line progress bar ``goalpath build`` and ``serve`` draw on a terminal."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO


class ProgressBar:
    """A one-line progress bar on stderr for builds that take a while.

    Silent unless ``enabled`` (a terminal, no ``--quiet``, not CI): a build that is
    done within :attr:`DELAY` seconds prints nothing; then the bar redraws at most
    ten times a second. ``close()`` clears it and starts over for the next build.
    """

    DELAY = 0.5
    """Seconds a build runs before the bar appears."""
    WIDTH = 30

    def __init__(
        self, stream: TextIO, enabled: bool, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.enabled = enabled
        self.clock = clock
        self.started: float | None = None
        self.shown = 0
        """Length of the line on screen (0: nothing shown)."""
        self._drawn = float("-inf")

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = self.clock()
        if self.started is None:
            self.started = now
        if now - self.started < self.DELAY or (done < total and now - self._drawn < 0.1):
            return
        self._drawn = now
        filled = self.WIDTH * min(done, total) // total
        line = f"{stage} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        self.stream.write("\r" + line.ljust(self.shown))
        self.stream.flush()
        self.shown = max(self.shown, len(line))

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
        self.started, self.shown, self._drawn = None, 0, float("-inf")
