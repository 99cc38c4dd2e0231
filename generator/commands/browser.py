"""Headless Chromium as ``goalpath pdf`` and the browser tests launch it.

Debian's ``chromium`` driven by Playwright (``playwright install`` is never needed:
we pass ``executable_path``). The arguments keep the browser quiet and offline: no
background networking, no component updates, and every host name except localhost and
127.0.0.1 fails to resolve, so a page can reach nothing but the site it was given.
No Playwright import here: callers import it when they need it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-quic",
    "--no-pings",
    # Without the rule Chromium still looks up Google hosts; without the EXCLUDEs a
    # server on 127.0.0.1 stops resolving too.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
)
"""Launch arguments for every headless Chromium goalpath starts."""

CHROMIUM_ENV = "GOALPATH_CHROMIUM"
"""Environment variable naming the Chromium executable, when not /usr/bin/chromium."""

INSTALL_CHROMIUM = "apt-get install -y chromium"
INSTALL_PLAYWRIGHT = 'pip install "goalpath[pdf]" (or: pip install playwright)'


def find_chromium() -> str | None:
    """The Chromium to launch: ``$GOALPATH_CHROMIUM``, /usr/bin/chromium, or on PATH."""
    for candidate in (
        os.environ.get(CHROMIUM_ENV),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None
