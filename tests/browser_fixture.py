"""Real Chromium (Debian's) driven by Playwright, and a static server on 127.0.0.1.

Chromium's own download cannot work here: we launch /usr/bin/chromium. A missing
browser fails the test with a clear message (CI installs the package), never skips.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.commands.browser import CHROMIUM_ARGS as _CHROMIUM_ARGS
from generator.commands.browser import find_chromium

CHROMIUM_ARGS = list(_CHROMIUM_ARGS)
"""The launch arguments ``goalpath pdf`` uses too (one list: ``generator/browser.py``)."""


def chromium_path() -> str:
    found = find_chromium()
    if found:
        return found
    pytest.fail("Chromium not found: install Debian's package (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_directory(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture
def static_server() -> Iterator[object]:
    """``static_server(dir)`` → base URL; all servers stop at teardown."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(directory: Path) -> str:
        server, url = serve_directory(directory)
        servers.append(server)
        return url

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def watch_page(page: object) -> tuple[list[str], list[str]]:
    """(every URL the page requests, every console error and page error), as they happen."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))  # type: ignore[attr-defined]
    page.on(  # type: ignore[attr-defined]
        "console", lambda m: errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]
    return requests, errors
