"""The dev server behind ``goalpath serve``: static files, rebuild on save, live reload.

HTTP and the watcher around a :class:`loop.BuildLoop`: the loop is handed a
:data:`Builder`, called once at start (``None``: full build) and then with the set of
changed source paths after each settled burst of saves (``watch.py``). Request paths
map to files by ``files.resolve_url``.

Pages are served from ``out_dir`` only, and every HTML response gets a small script
injected on the fly (never written to disk) that listens on ``/__goalpath/events``
(Server-Sent Events): ``reload`` after a good build, ``problems`` after a failed one,
which the page shows as an overlay over the last good site.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import queue
import secrets
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .files import content_type, resolve_url, url_prefix
from .loop import Builder, BuildLoop
from .watch import Watcher

EVENTS_PATH = "/__goalpath/events"
SCRIPT_PATH = "/__goalpath/livereload.js"
PROBLEMS_ID = "__goalpath-problems"

_logger = logging.getLogger(__name__)


class BindError(Exception):
    """The server could not listen on its address; ``cause`` says why (port taken, …)."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {cause}")
        self.host, self.port, self.cause = host, port, cause


# -- URL → file ----------------------------------------------------------------------------


# -- live reload ---------------------------------------------------------------------------

LIVERELOAD_JS = (Path(__file__).parent / "livereload.js").read_bytes()
"""The script every served page gets: reload on ``reload``, the overlay on ``problems``."""


def json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>``, ``&`` are escaped."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def inject(page: bytes, snippet: bytes) -> bytes:
    """Insert ``snippet`` before the last ``</body>``, or append it."""
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


# -- the server ----------------------------------------------------------------------------


class DevServer:
    """Serves ``out_dir``, rebuilds on changes under ``watch``, tells pages to reload."""

    def __init__(
        self,
        out_dir: Path,
        builder: Builder,
        *,
        watch: list[Path],
        host: str = "127.0.0.1",
        port: int = 8000,
        base_url: str = "",
        log: Callable[[str], None] = _logger.info,
        debounce: float = 0.15,
        ping_interval: float = 15.0,
        quiet: bool = False,
    ) -> None:
        self.out_dir = Path(out_dir).resolve()
        self.builder = builder
        self.watch = [Path(p) for p in watch]
        self.host = host
        self.port = port
        self.prefix = url_prefix(base_url)
        self.log = log
        self.debounce = debounce
        self.ping_interval = ping_interval
        self.quiet = quiet
        """Log only problems, failures and where the site is served (no per-build lines)."""
        self.server_id = secrets.token_hex(8)
        """Changes on every start, so pages from a previous server reload on reconnect."""
        self.loop = BuildLoop(builder, server_id=self.server_id, log=log, quiet=quiet)
        self._httpd: _HTTPServer | None = None
        self._watcher: Watcher | None = None
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()

    # -- state -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.prefix}"

    @property
    def epoch(self) -> int:
        """Number of successful builds so far."""
        return self.loop.epoch

    @property
    def problems(self) -> list[str] | None:
        """Formatted problems of the last build when it failed, else None."""
        failed = self.loop.failed
        return None if failed is None else [p["text"] for p in failed]

    @property
    def live_clients(self) -> int:
        """Pages connected to the event stream right now."""
        return self.loop.live_clients

    def snippet(self) -> bytes:
        """What every HTML response gets before ``</body>``."""
        epoch, failed = self.loop.epoch, self.loop.failed
        data = ""
        if failed is not None:
            payload = json_for_script(failed)
            data = f'<script type="application/json" id="{PROBLEMS_ID}">{payload}</script>'
        tag = (
            f'<script src="{SCRIPT_PATH}" data-epoch="{epoch}" '
            f'data-server="{self.server_id}"></script>'
        )
        return (data + tag).encode()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Bind, run the first full build, then serve and watch (returns once serving).

        Raises :class:`BindError` when the address cannot be used.
        """
        if self._httpd is not None:
            return
        try:
            self._httpd = httpd = _HTTPServer(self.host, self.port, self)
        except OSError as exc:
            raise BindError(self.host, self.port, exc) from exc
        self._warn_if_exposed()
        self.port = httpd.server_address[1]
        self.loop.start()
        self._stopped.clear()
        self._spawn(self.loop.run, "goalpath-build")
        self.request_build(None)
        self._watcher = Watcher(
            self.watch, self.request_build, ignore=[self.out_dir], debounce=self.debounce
        )
        self._watcher.start()
        self.wait_idle()
        self._spawn(lambda: httpd.serve_forever(0.05), "goalpath-http")
        self.log(f"serving {self.url} (Ctrl+C to stop)")

    def stop(self) -> None:
        """Stop watching, close live connections and the socket; wait for a running build."""
        self.loop.stop()
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            if any(t.name == "goalpath-http" and t.is_alive() for t in self._threads):
                httpd.shutdown()
            httpd.server_close()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=10)
        self._threads.clear()
        self._stopped.set()

    def serve_forever(self, on_start: Callable[[], object] | None = None) -> None:
        """Start, call ``on_start``, then block until Ctrl+C (KeyboardInterrupt) or
        :meth:`stop`; stop cleanly either way."""
        try:
            self.start()
            if on_start is not None:
                on_start()
            while not self._stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            self.log("stopping")
        finally:
            self.stop()

    def _spawn(self, target: Callable[[], object], name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(t)
        t.start()

    def _warn_if_exposed(self) -> None:
        if not is_loopback(self.host):
            self.log(
                f"warning: serving on {self.host}, not a loopback address: the site is "
                "visible to the network (use --host 127.0.0.1 to keep it private)"
            )

    # -- builds and live connections (the loop's) -------------------------------------------

    def request_build(self, changed: frozenset[Path] | None = None) -> None:
        """Queue a build (``None``: full); merged with others while one is running."""
        self.loop.request_build(changed)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no build is running or queued; False on timeout."""
        return self.loop.wait_idle(timeout)

    def building(self) -> bool:
        return self.loop.building()

    def subscribe(self) -> tuple[queue.Queue[bytes | None], bytes]:
        """Register a live client: its message queue and the greeting to send first."""
        return self.loop.subscribe()

    def unsubscribe(self, q: queue.Queue[bytes | None]) -> None:
        self.loop.unsubscribe(q)

    def host_allowed(self, header: str | None) -> bool:
        """On a loopback bind, only loopback names in ``Host`` (stops DNS rebinding)."""
        if not header or not is_loopback(self.host):
            return True
        name = header[1 : header.find("]")] if header.startswith("[") else header.rsplit(":", 1)[0]
        name = name.lower().rstrip(".")
        return name == self.host.lower() or name.endswith(".localhost") or is_loopback(name)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, dev: DevServer) -> None:
        self.dev = dev
        self.address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        handler = type("Handler", (_Handler,), {"dev": dev})
        super().__init__((host, port), handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # no getfqdn(): no DNS lookup at start
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the browser went away: not worth a traceback
        self.dev.log("error while answering a request:\n" + traceback.format_exc().rstrip())


class _Handler(BaseHTTPRequestHandler):
    server_version = "goalpath"
    protocol_version = "HTTP/1.1"
    timeout = 120
    dev: DevServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # no access log; problems go through DevServer.log

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, *, head: bool) -> None:
        try:
            self._dispatch(head)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _dispatch(self, head: bool) -> None:
        if not self.dev.host_allowed(self.headers.get("Host")):
            refusal = b"Unexpected Host header; open the address goalpath printed.\n"
            return self._send(403, "text/plain; charset=utf-8", refusal, head)
        path = self.path.partition("?")[0]
        if path == EVENTS_PATH:
            return self._events(head)
        if path == SCRIPT_PATH:
            return self._send(200, "text/javascript; charset=utf-8", LIVERELOAD_JS, head)
        if path.startswith("/__goalpath/"):
            return self._error(404, "No such dev-server endpoint.", head)
        dev = self.dev
        target = resolve_url(dev.out_dir, self.path, dev.prefix)
        for _ in range(10):  # the builder swaps out_dir by two renames: wait out the gap
            if target.status != 404 or dev.out_dir.is_dir() or not dev.building():
                break
            time.sleep(0.05)
            target = resolve_url(dev.out_dir, self.path, dev.prefix)
        if target.status == 301 and target.location:
            return self._send(301, "text/plain; charset=utf-8", b"", head, location=target.location)
        if target.outside_prefix:
            link = html.escape(dev.prefix)
            text = f'This site is served under <a href="{link}">{link}</a>.'
            return self._error(404, text, head)
        if target.file is None:
            text = "Not found." if dev.out_dir.is_dir() else "Nothing has been built yet."
            return self._error(target.status, text, head)
        try:
            data = target.file.read_bytes()
        except OSError:
            return self._error(404, "Not found.", head)
        ctype = content_type(target.file)
        if ctype.startswith("text/html"):
            data = inject(data, dev.snippet())
        self._send(200, ctype, data, head)

    def _error(self, status: int, text_html: str, head: bool) -> None:
        title = {403: "Forbidden", 404: "Not found"}.get(status, "Error")
        page = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{status} {title}'
            f"</title></head><body><h1>{status} {title}</h1><p>{text_html}</p></body></html>"
        ).encode()
        self._send(status, "text/html; charset=utf-8", inject(page, self.dev.snippet()), head)

    def _send(
        self, status: int, ctype: str, body: bytes, head: bool, *, location: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self, head: bool) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        q, first = self.dev.subscribe()
        try:
            self.wfile.write(first)
            while True:
                try:
                    message = q.get(timeout=self.dev.ping_interval)
                except queue.Empty:
                    message = b": ping\n\n"
                if message is None:
                    return
                self.wfile.write(message)
        except (ConnectionError, TimeoutError):
            pass
        finally:
            self.dev.unsubscribe(q)
