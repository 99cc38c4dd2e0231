"""The dev server behind ``goalpath serve``: static files, rebuild on save, live reload.

It knows nothing of how a build works (as mkdocs' ``livereload``): it is handed a
:data:`Builder` and calls it once at start (``None``: full build) and then with the
set of changed source paths after each settled burst of saves. Builds run one at a
time on one thread; changes that arrive during a build are merged into one more build.

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
import os
import queue
import secrets
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..errors import Problem
from .watch import Watcher

EVENTS_PATH = "/__goalpath/events"
SCRIPT_PATH = "/__goalpath/livereload.js"
PROBLEMS_ID = "__goalpath-problems"

_logger = logging.getLogger(__name__)


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


class BindError(Exception):
    """The server could not listen on its address; ``cause`` says why (port taken, …)."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {cause}")
        self.host, self.port, self.cause = host, port, cause


Builder = Callable[[frozenset[Path] | None], BuildOutcome]
"""Builds the site into ``out_dir``: ``None`` = full build, else the changed source paths."""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


# -- URL → file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a request path leads: a file (200), a redirect (301) or an error (403/404)."""

    status: int
    file: Path | None = None
    location: str | None = None
    outside_prefix: bool = False


def url_prefix(base_url: str) -> str:
    """The path part of ``base_url`` as ``/a/b/`` (``/`` when there is none)."""
    parts = [p for p in urlsplit(base_url).path.split("/") if p]
    return "/" + "".join(p + "/" for p in parts)


def resolve_url(out_dir: Path, raw: str, prefix: str = "/") -> Target:
    """Map a request target to a file under ``out_dir``; never a path outside it.

    Rejects ``..`` segments, backslashes, NUL and invalid UTF-8 after percent-decoding
    (403), hidden files (404) and anything whose real path (symlinks resolved) leaves
    ``out_dir`` (403). ``/dir`` redirects to ``/dir/``, which serves ``dir/index.html``.
    """
    path, sep, query = raw.partition("?")
    path = path.partition("#")[0]
    if not path.startswith("/"):
        return Target(404)
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return Target(403)
    if "\\" in decoded or "\x00" in decoded:
        return Target(403)
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if ".." in segments:
        return Target(403)
    trailing = decoded.endswith("/")
    base = [p for p in prefix.split("/") if p]
    if segments[: len(base)] != base:
        return Target(404, outside_prefix=True)
    rest = segments[len(base) :]
    if any(s.startswith(".") for s in rest):
        return Target(404)
    root = os.path.realpath(out_dir)
    real = os.path.realpath(os.path.join(root, *rest))
    if not _inside(real, root):
        return Target(403)
    if os.path.isdir(real):
        if not trailing:
            location = quote("/" + "".join(s + "/" for s in segments)) + sep + query
            return Target(301, location=location)
        real = os.path.realpath(os.path.join(real, "index.html"))
        if not _inside(real, root):
            return Target(403)
    elif trailing:
        return Target(404)
    if not os.path.isfile(real):
        return Target(404)
    return Target(200, file=Path(real))


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


# -- live reload ---------------------------------------------------------------------------

LIVERELOAD_JS = r"""// goalpath serve: live reload and build-problem overlay (not in built files)
(function () {
  "use strict";
  var me = document.currentScript;
  var epoch = Number(me.dataset.epoch), server = me.dataset.server;
  var OVERLAY = "__goalpath-overlay";
  var MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace";
  var SANS = "system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif";

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function item(p, warning) {
    // one problem, "file:line:column: field: message (hint)" as the terminal prints it
    var li = el("li", "margin:0 0 10px;padding:8px 12px;border-radius:4px;" +
      "background:" + (warning ? "rgba(0,0,0,.18)" : "rgba(0,0,0,.28)") + ";" +
      "border-left:4px solid " + (warning ? "#fbbf24" : "#fca5a5"));
    if (typeof p === "string") { li.textContent = p; return li; }
    var where = el("span", "font-weight:700;color:#fde68a", p.where);
    where.className = "__goalpath-where";
    li.appendChild(where);
    li.appendChild(document.createTextNode(": " + p.message));
    if (p.hint) li.appendChild(el("span", "color:#fecaca", " (" + p.hint + ")"));
    return li;
  }

  function show(problems) {
    var old = document.getElementById(OVERLAY);
    if (old) old.remove();
    if (!problems || !problems.length) return;
    var errors = [], warnings = [];
    problems.forEach(function (p) {
      (p && p.severity === "warning" ? warnings : errors).push(p);
    });
    var box = el("div", "position:fixed;top:0;left:0;right:0;z-index:2147483647;" +
      "max-height:80vh;overflow:auto;margin:0;padding:16px 56px 8px 20px;box-sizing:border-box;" +
      "background:#7f1d1d;color:#fff;border-bottom:4px solid #450a0a;" +
      "box-shadow:0 6px 24px rgba(0,0,0,.35);text-align:left;" +
      "font:15px/1.5 " + SANS);
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    var n = errors.length;
    var title = el("h2", "margin:0 0 2px;padding:0;font:700 19px/1.3 " + SANS + ";color:#fff",
      n ? "Build failed: " + n + " error" + (n === 1 ? "" : "s") : "Build failed");
    var sub = el("p", "margin:0 0 12px;color:#fecaca",
      "You are seeing the last good build. Fix the file and save: this page reloads by itself.");
    var close = el("button", "position:absolute;top:10px;right:14px;width:32px;height:32px;" +
      "background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.4);border-radius:4px;" +
      "color:#fff;font:20px/1 " + SANS + ";cursor:pointer", "\u00d7");
    close.type = "button";
    close.title = "Hide (the problems stay in the terminal)";
    close.setAttribute("aria-label", "Hide build problems");
    close.onclick = function () { box.remove(); };
    var listCss = "margin:0;padding:0;list-style:none;white-space:pre-wrap;" +
      "overflow-wrap:anywhere;font:14px/1.55 " + MONO;
    var list = el("ul", listCss);
    errors.forEach(function (p) { list.appendChild(item(p, false)); });
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(sub);
    box.appendChild(list);
    if (warnings.length) {
      var more = el("details", "margin:4px 0 8px");
      var w = warnings.length;
      more.appendChild(el("summary", "cursor:pointer;color:#fde68a",
        w + " warning" + (w === 1 ? "" : "s") + " (the site builds with these)"));
      var wl = el("ul", listCss + ";margin-top:8px;opacity:.9");
      warnings.forEach(function (p) { wl.appendChild(item(p, true)); });
      more.appendChild(wl);
      box.appendChild(more);
    }
    (document.body || document.documentElement).appendChild(box);
  }

  var data = document.getElementById("__goalpath-problems");
  if (data) { try { show(JSON.parse(data.textContent)); } catch (e) { /* keep the page */ } }

  var source = new EventSource("/__goalpath/events");
  source.addEventListener("hello", function (e) {
    var d = JSON.parse(e.data);  // a restarted server or a build we missed: reload
    if (d.server !== server || d.epoch !== epoch) location.reload();
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
})();
"""


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


def json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>``, ``&`` are escaped."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def inject(page: bytes, snippet: bytes) -> bytes:
    """Insert ``snippet`` before the last ``</body>``, or append it."""
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


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
        self._cond = threading.Condition()
        self._pending = PendingBuild()
        self._building = False
        self._stopping = False
        self._epoch = 0
        self._failed: list[dict[str, str]] | None = None
        """The last build's problems (:func:`overlay_item`) while it failed, else None."""
        self._clients: set[queue.Queue[bytes | None]] = set()
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
        with self._cond:
            return self._epoch

    @property
    def problems(self) -> list[str] | None:
        """Formatted problems of the last build when it failed, else None."""
        with self._cond:
            return None if self._failed is None else [p["text"] for p in self._failed]

    @property
    def live_clients(self) -> int:
        """Pages connected to the event stream right now."""
        with self._cond:
            return len(self._clients)

    def snippet(self) -> bytes:
        """What every HTML response gets before ``</body>``."""
        with self._cond:
            epoch, failed = self._epoch, self._failed
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
        self._stopping = False
        self._stopped.clear()
        self._spawn(self._work, "goalpath-build")
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
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            clients = list(self._clients)
        for q in clients:
            q.put(None)
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

    # -- builds ----------------------------------------------------------------------------

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

    def _work(self) -> None:
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
            self.log("the build crashed:\n" + traceback.format_exc().rstrip())
            problem = Problem(
                "goalpath", message=f"the build crashed: {exc!r}", hint="see the terminal"
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

    def host_allowed(self, header: str | None) -> bool:
        """On a loopback bind, only loopback names in ``Host`` (stops DNS rebinding)."""
        if not header or not is_loopback(self.host):
            return True
        name = header[1 : header.find("]")] if header.startswith("[") else header.rsplit(":", 1)[0]
        name = name.lower().rstrip(".")
        return name == self.host.lower() or name.endswith(".localhost") or is_loopback(name)

    def building(self) -> bool:
        with self._cond:
            return self._building


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
            return self._send(200, "text/javascript; charset=utf-8", LIVERELOAD_JS.encode(), head)
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
