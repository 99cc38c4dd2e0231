"""Dev server: real sockets on 127.0.0.1, a stub builder that writes files into out_dir."""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.errors import Problem
from generator.serve import loop as serve_loop
from generator.serve.files import resolve_url, url_prefix
from generator.serve.loop import BuildOutcome, PendingBuild
from generator.serve.server import (
    EVENTS_PATH,
    PROBLEMS_ID,
    SCRIPT_PATH,
    BindError,
    DevServer,
    inject,
    json_for_script,
)

SECRET = "TOP-SECRET-NEXT-TO-OUT"
PAGE = "<!doctype html><html><head><title>Home</title></head><body><h1>Home {n}</h1></body></html>"
FILES: dict[str, bytes] = {
    "about/index.html": b"<!doctype html><html><body><p>About</p></body></html>",
    "bare.html": b"<p>no body tag</p>",
    "style.css": b"body{}",
    "app.js": b"1;",
    "data.json": b"{}",
    "pic.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "pic.png": b"\x89PNG\r\n",
    "table.csv": b"a,b\n1,2\n",
    "report.pdf": b"%PDF-1.4",
    "font.woff2": b"wOF2",
    ".goalpath-build": b"marker",
}
BAD = Problem(
    "content/goals/a.md", 3, 5, "kpi.target.value", "must be a number", "write 10, not ten"
)


class StubBuilder:
    """Writes a tiny site; fails with ``self.fail`` problems; can be held at a gate."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.calls: list[frozenset[Path] | None] = []
        self.fail: list[Problem] | None = None
        self.crash = False
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def __call__(self, changed: frozenset[Path] | None) -> BuildOutcome:
        self.calls.append(changed)
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(5)
        if self.crash:
            raise RuntimeError("boom")
        if self.fail is not None:
            return BuildOutcome(False, list(self.fail))
        self.out.mkdir(exist_ok=True)
        (self.out / "index.html").write_text(PAGE.format(n=len(self.calls)))
        for rel, data in FILES.items():
            (self.out / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.out / rel).write_bytes(data)
        return BuildOutcome(True, [], pages=2, seconds=0.01)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.md").write_text("hello\n")
    (tmp_path / "secret").write_text(SECRET)
    return tmp_path


class Running:
    def __init__(self, server: DevServer, stub: StubBuilder, logs: list[str], root: Path) -> None:
        self.server, self.stub, self.logs, self.root = server, stub, logs, root

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def touch(self) -> None:
        (self.root / "src" / "a.md").write_text(f"edit {time.monotonic()}\n")


@pytest.fixture
def make_server(site: Path) -> Iterator[Callable[..., Running]]:
    started: list[DevServer] = []

    def make(**kwargs: object) -> Running:
        logs: list[str] = []
        stub = StubBuilder(site / "out")
        if kwargs.pop("fail_first", False):
            stub.fail = [BAD]
        options: dict[str, object] = {"port": 0, "log": logs.append, "debounce": 0.05}
        options.update(kwargs)
        server = DevServer(site / "out", stub, watch=[site / "src"], **options)  # type: ignore[arg-type]
        started.append(server)
        server.start()
        return Running(server, stub, logs, site)

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def running(make_server: Callable[..., Running]) -> Running:
    return make_server()


class EventStream:
    """Reads Server-Sent Events from the dev server over a plain socket."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        status = self.file.readline()
        assert b" 200 " in status
        while self.file.readline() not in (b"\r\n", b""):
            pass

    def next(self, timeout: float = 2.0, *, pings: bool = False) -> tuple[str, str]:
        """The next (event, data); ``("ping", "")`` for a keep-alive comment when asked."""
        self.sock.settimeout(timeout)
        fields: dict[str, str] = {}
        while True:
            line = self.file.readline().decode().rstrip("\n")
            if line == "" and not fields:
                raise EOFError
            if line.startswith(":"):
                if pings:
                    return ("ping", "")
                continue
            if not line:
                if "event" in fields or "data" in fields:
                    return fields.get("event", "message"), fields.get("data", "")
                fields = {}
                continue
            key, _, value = line.partition(":")
            fields[key] = value.removeprefix(" ")

    def close(self) -> None:
        self.file.close()
        self.sock.close()


# -- pure pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "prefix"),
    [
        ("", "/"),
        ("/", "/"),
        ("/intranet/goals", "/intranet/goals/"),
        ("https://example.org/intranet/goals/", "/intranet/goals/"),
    ],
)
def test_url_prefix(base: str, prefix: str) -> None:
    assert url_prefix(base) == prefix


def test_inject_before_last_body_or_appended() -> None:
    assert inject(b"<body>a</BODY></html>", b"<s>") == b"<body>a<s></BODY></html>"
    assert inject(b"<p>x</p>", b"<s>") == b"<p>x</p><s>"


def test_json_for_script_cannot_close_the_script() -> None:
    text = json_for_script(["</script><img src=x onerror=alert(1)> & more"])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == ["</script><img src=x onerror=alert(1)> & more"]


def test_pending_build_merges_changes_and_full_wins() -> None:
    p = PendingBuild()
    assert not p
    p.add(frozenset({Path("/a")}))
    p.add(frozenset({Path("/b")}))
    assert p and p.take() == frozenset({Path("/a"), Path("/b")})
    assert not p
    p.add(frozenset({Path("/a")}))
    p.add(None)
    assert p.take() is None


@pytest.mark.parametrize(
    "raw",
    [
        "/../secret",
        "/../../etc/passwd",
        "/%2e%2e/secret",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2fsecret",
        "/..%5csecret",
        "/..\\secret",
        "/index.html%00.css",
        "/%ff",
        "/escape",
        "/escape-dir/secret",
        "/link-dir/",
    ],
)
def test_resolve_url_never_leaves_out_dir(site: Path, raw: str) -> None:
    out = site / "out"
    (out / "inner").mkdir(parents=True)
    (out / "index.html").write_text("home")
    (out / "escape").symlink_to(site / "secret")
    (out / "escape-dir").symlink_to(site)
    (out / "link-dir").mkdir()
    (out / "link-dir" / "index.html").symlink_to(site / "secret")
    target = resolve_url(out, raw)
    assert target.status in (403, 404)
    assert target.file is None


# -- static files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2fsecret",
        "/%2e%2e/secret",
        "/..%5csecret",
        "/secret%00",
        "//secret",
        "/.goalpath-build",
        "http://x/../secret",
        "/%252e%252e/secret",  # double encoding
        "/%252e%252e%252fsecret",
        "/%c0%ae%c0%ae/secret",  # overlong UTF-8 for '.'
        "/%c0%af..%c0%afsecret",
        "/%e0%80%ae%e0%80%ae/secret",
        "/.%2e/secret",
        "/%2E%2E/secret",
        "/..%00/secret",
        "/%00../secret",
        "/..;/secret",
        "/....//secret",
        "/.../secret",
        "/\\..\\secret",
        "/%5c..%5csecret",
        "/about/../../secret",
        "/about/%2e%2e/%2e%2e/secret",
        "/" + "../" * 40 + "secret",
    ],
)
def test_path_traversal_is_refused(running: Running, path: str) -> None:
    status, _, body = running.get(path)
    assert status in (403, 404)
    assert SECRET.encode() not in body


def test_symlink_escaping_out_dir_is_refused_and_inner_link_served(running: Running) -> None:
    out = running.root / "out"
    (out / "leak.txt").symlink_to(running.root / "secret")
    (out / "alias.css").symlink_to(out / "style.css")
    status, _, body = running.get("/leak.txt")
    assert status == 403 and SECRET.encode() not in body
    assert running.get("/alias.css")[2] == b"body{}"


def test_directory_index_and_redirect(running: Running) -> None:
    status, headers, body = running.get("/")
    assert status == 200 and b"<h1>Home 1</h1>" in body
    status, _, body = running.get("/about/")
    assert status == 200 and b"About" in body
    status, headers, _ = running.get("/about")
    assert status == 301 and headers["location"] == "/about/"
    status, headers, _ = running.get("/about?tab=2")
    assert status == 301 and headers["location"] == "/about/?tab=2"
    assert running.get("/style.css/")[0] == 404
    assert running.get("/missing.html")[0] == 404


@pytest.mark.parametrize(
    ("path", "ctype"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/pic.svg", "image/svg+xml"),
        ("/pic.png", "image/png"),
        ("/table.csv", "text/csv; charset=utf-8"),
        ("/report.pdf", "application/pdf"),
        ("/font.woff2", "font/woff2"),
    ],
)
def test_content_types_and_no_store(running: Running, path: str, ctype: str) -> None:
    status, headers, body = running.get(path)
    assert status == 200
    assert headers["content-type"] == ctype
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body)


def test_head_sends_headers_only(running: Running) -> None:
    status, headers, body = running.get("/style.css", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == "6"


def test_base_url_prefix(make_server: Callable[..., Running]) -> None:
    r = make_server(base_url="/intranet/goals/")
    assert r.server.url.endswith("/intranet/goals/")
    status, _, body = r.get("/intranet/goals/")
    assert status == 200 and b"Home" in body
    assert r.get("/intranet/goals/about/")[0] == 200
    status, headers, _ = r.get("/intranet/goals")
    assert status == 301 and headers["location"] == "/intranet/goals/"
    status, _, body = r.get("/")
    assert status == 404 and b'<a href="/intranet/goals/">' in body
    assert r.get("/about/")[0] == 404
    assert r.get("/intranet/goals/../../secret")[0] == 403


# -- injection ---------------------------------------------------------------------------------


def test_html_is_injected_on_the_fly_only(running: Running) -> None:
    _, _, body = running.get("/")
    tag = f'<script src="{SCRIPT_PATH}" data-epoch="1" data-server="{running.server.server_id}">'
    assert tag.encode() in body
    assert body.index(b"<script src=") < body.index(b"</body>")
    assert PROBLEMS_ID.encode() not in body  # the build is fine: no overlay data
    on_disk = (running.root / "out" / "index.html").read_bytes()
    assert b"__goalpath" not in on_disk and on_disk == PAGE.format(n=1).encode()
    assert running.get("/bare.html")[2].startswith(b"<p>no body tag</p><script")
    assert b"__goalpath" not in running.get("/app.js")[2]


def test_livereload_script_is_served(running: Running) -> None:
    status, headers, body = running.get(SCRIPT_PATH)
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    js = body.decode()
    assert "EventSource" in js and "textContent" in js and "innerHTML" not in js
    assert running.get("/__goalpath/other")[0] == 404
    assert body == (Path(serve_loop.__file__).parent / "livereload.js").read_bytes()


def test_livereload_script_is_valid_javascript() -> None:
    """A real file now (serve/livereload.js), so node can parse it."""
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node is not None, "node not found: apt-get install -y nodejs"
    script = Path(serve_loop.__file__).parent / "livereload.js"
    done = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- builds and live reload --------------------------------------------------------------------


def test_save_triggers_reload_event(running: Running) -> None:
    stream = EventStream(running.server.port)
    try:
        event, data = stream.next()
        assert event == "hello"
        assert json.loads(data) == {"epoch": 1, "server": running.server.server_id}
        running.touch()
        assert stream.next(timeout=2.0) == ("reload", "2")
        assert running.stub.calls == [None, frozenset({running.root / "src" / "a.md"})]
        assert running.logs[0] == "built 2 pages in 0.01 s"
        assert "rebuilt 2 pages in 0.01 s" in running.logs
    finally:
        stream.close()


def test_failed_build_shows_problems_then_clears(running: Running) -> None:
    stream = EventStream(running.server.port)
    try:
        assert stream.next()[0] == "hello"
        running.stub.fail = [BAD, Problem("x.md", message="</script><img src=x onerror=alert(1)>")]
        running.touch()
        event, data = stream.next()
        assert event == "problems"
        expected = [
            "content/goals/a.md:3:5: kpi.target.value: must be a number (write 10, not ten)",
            "x.md: </script><img src=x onerror=alert(1)>",
        ]
        items = json.loads(data)
        assert [item["text"] for item in items] == expected
        assert items[0] == {
            "severity": "error",
            "where": "content/goals/a.md:3:5",
            "message": "kpi.target.value: must be a number",
            "hint": "write 10, not ten",
            "text": expected[0],
        }
        assert running.server.problems == expected
        assert running.server.epoch == 1
        assert expected[0] in running.logs

        # every page now carries the problems, and the last good site is still served
        status, _, body = running.get("/about/")
        assert status == 200 and b"About" in body
        page = body.decode()
        start = page.index(f'<script type="application/json" id="{PROBLEMS_ID}">')
        payload = page[page.index(">", start) + 1 : page.index("</script>", start)]
        assert json.loads(payload) == items
        assert "<img src=x" not in page
        assert running.get("/nope")[2].count(PROBLEMS_ID.encode()) == 1  # 404 pages too

        # a page opened now learns about the problems on connect, too
        late = EventStream(running.server.port)
        assert late.next()[0] == "hello" and late.next() == ("problems", data)
        late.close()

        running.stub.fail = None
        running.touch()
        assert stream.next() == ("reload", "2")
        assert PROBLEMS_ID.encode() not in running.get("/")[2]
    finally:
        stream.close()


def test_first_build_failing_serves_a_404_with_the_problems(
    make_server: Callable[..., Running],
) -> None:
    r = make_server(fail_first=True)
    status, _, body = r.get("/")
    assert status == 404
    assert b"Nothing has been built yet" in body and PROBLEMS_ID.encode() in body
    assert r.logs[-2].startswith("build failed (1 error)")


def test_builder_crash_is_reported_and_server_survives(running: Running) -> None:
    running.stub.crash = True
    running.server.request_build(None)
    assert running.server.wait_idle(5)
    problems = running.server.problems
    assert len(problems) == 1
    assert problems[0].startswith("goalpath: internal error (RuntimeError: boom). This is a bug")
    assert problems[0].endswith("(the traceback is in the terminal)")
    assert any("Traceback" in line and "boom" in line for line in running.logs)
    assert running.get("/")[0] == 200


def test_builds_are_serialized_and_changes_during_a_build_coalesce(running: Running) -> None:
    a, b, c = (Path(f"/src/{n}.md") for n in "abc")
    stub, server = running.stub, running.server
    stub.gate, stub.entered = threading.Event(), threading.Event()
    server.request_build(frozenset({a}))
    assert stub.entered.wait(2)
    server.request_build(frozenset({b}))  # both arrive while the build of `a` runs
    server.request_build(frozenset({c}))
    stub.gate.set()
    assert server.wait_idle(5)
    assert stub.calls == [None, frozenset({a}), frozenset({b, c})]
    assert server.epoch == 3


def test_quiet_logs_problems_but_not_routine_builds(make_server: Callable[..., Running]) -> None:
    r = make_server(quiet=True)
    r.touch()
    _wait(lambda: r.server.epoch == 2 and not r.server.building())
    r.stub.fail = [BAD]
    r.touch()
    _wait(lambda: r.server.problems is not None)
    assert not [x for x in r.logs if x.startswith(("built", "rebuilt", "changed"))]
    assert BAD.format() in r.logs
    assert any(x.startswith("build failed") for x in r.logs)


def test_log_line_counts_reused_pages(site: Path) -> None:
    logs: list[str] = []

    def builder(changed: frozenset[Path] | None) -> BuildOutcome:
        (site / "out").mkdir(exist_ok=True)
        return BuildOutcome(True, [], pages=3, seconds=0.5, reused=7)

    server = DevServer(site / "out", builder, watch=[], port=0, log=logs.append)
    server.start()
    server.stop()
    assert "built 3 pages (7 unchanged) in 0.50 s" in logs


def test_taken_port_raises_bind_error_before_building(site: Path) -> None:
    stub = StubBuilder(site / "out")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = DevServer(site / "out", stub, watch=[site / "src"], port=port, log=lambda _: None)
        with pytest.raises(BindError) as info:
            server.start()
        server.stop()
    assert info.value.cause.errno == errno.EADDRINUSE
    assert stub.calls == []


def test_serve_forever_calls_on_start_and_ends_on_stop(site: Path) -> None:
    stub = StubBuilder(site / "out")
    server = DevServer(site / "out", stub, watch=[site / "src"], port=0, log=lambda _: None)
    started = threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(started.set,), daemon=True)
    thread.start()
    assert started.wait(5)
    assert stub.calls == [None]  # the first build is done before on_start
    server.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_ping_keeps_the_stream_alive(make_server: Callable[..., Running]) -> None:
    r = make_server(ping_interval=0.1)
    stream = EventStream(r.server.port)
    try:
        assert stream.next()[0] == "hello"
        assert stream.next(pings=True) == ("ping", "")
    finally:
        stream.close()


def test_client_disconnect_is_quiet(running: Running, capfd: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        stream = EventStream(running.server.port)
        stream.next()
        stream.sock.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        stream.close()  # RST: the next write to it fails
    for _ in range(2):
        running.server.request_build(None)
        assert running.server.wait_idle(5)
    time.sleep(0.1)
    assert running.get("/")[0] == 200
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err + "\n".join(running.logs)


def test_stop_ends_live_streams(running: Running) -> None:
    stream = EventStream(running.server.port)
    stream.next()
    t0 = time.monotonic()
    running.server.stop()
    with pytest.raises(EOFError):
        stream.next()
    assert time.monotonic() - t0 < 2
    stream.close()
    with pytest.raises(OSError):
        running.get("/")


def test_serve_forever_stops_cleanly_on_ctrl_c(make_server: Callable[..., Running]) -> None:
    r = make_server()

    class CtrlC:
        def wait(self, timeout: float) -> bool:
            raise KeyboardInterrupt

        def set(self) -> None:
            pass

        def clear(self) -> None:
            pass

    r.server._stopped = CtrlC()  # type: ignore[assignment]
    r.server.serve_forever()
    assert r.logs[-1] == "stopping"
    with pytest.raises(OSError):
        r.get("/")


def test_foreign_host_header_is_refused_on_loopback(running: Running) -> None:
    """A page on another site that rebinds its DNS name to 127.0.0.1 cannot read ours."""
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.nip.io"):
        conn = http.client.HTTPConnection("127.0.0.1", running.server.port, timeout=5)
        conn.request("GET", "/", headers={"Host": host})
        resp = conn.getresponse()
        assert resp.status == 403 and b"Home" not in resp.read()
        conn.close()
    for host in ("localhost:1", "[::1]:1", "127.0.0.1", "docs.localhost"):
        assert running.server.host_allowed(host)


def test_network_exposure_is_logged(make_server: Callable[..., Running]) -> None:
    local = make_server()
    assert not any("visible to the network" in line for line in local.logs)
    exposed = make_server(host="0.0.0.0")
    assert "visible to the network" in exposed.logs[0]
    assert exposed.get("/")[0] == 200


# -- once for real, in Chromium ----------------------------------------------------------------


def _wait(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.browser
def test_overlay_reload_and_reconnect_in_chromium(
    make_server: Callable[..., Running], page: Any
) -> None:
    r = make_server()
    page.goto(r.server.url)
    _wait(lambda: r.server.live_clients == 1)
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))

    # a failed build: the overlay appears, problem text shown as text, never as markup
    warning = Problem("content/goals/b.md", 7, 1, message="no KPI data yet", severity="warning")
    r.stub.fail = [warning, BAD, Problem("x.md", message="<img src=x onerror=alert(1)>")]
    r.touch()
    overlay = page.locator("#__goalpath-overlay")
    overlay.wait_for(timeout=3000)
    text = overlay.inner_text()
    assert text.startswith("\u00d7\nBuild failed: 2 errors\n")
    assert "content/goals/a.md:3:5: kpi.target.value: must be a number (write 10, not ten)" in text
    assert "<img src=x onerror=alert(1)>" in text
    errors = overlay.locator(":scope > ul > li")  # errors first, in the order reported
    assert errors.count() == 2
    assert errors.first.locator(".__goalpath-where").inner_text() == "content/goals/a.md:3:5"
    where = errors.first.locator(".__goalpath-where")
    assert int(where.evaluate("e => getComputedStyle(e).fontWeight")) >= 700
    # warnings are folded away below the errors, still one click from view
    details = overlay.locator("details")
    assert details.locator("summary").inner_text().startswith("1 warning")
    assert not details.locator("li").is_visible()
    details.locator("summary").click()
    assert details.locator("li").inner_text() == "content/goals/b.md:7:1: no KPI data yet"
    assert overlay.locator("img").count() == 0
    assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"
    assert page.locator("h1").inner_text() == "Home 1"  # the last good site underneath

    # a fresh load while the build is broken shows the overlay from the start
    page.reload()
    assert page.locator("#__goalpath-overlay > ul > li").count() == 2
    assert page.locator("#__goalpath-overlay details li").count() == 1

    # the next good build reloads the page and the overlay is gone
    r.stub.fail = None
    with page.expect_navigation(timeout=3000):
        r.touch()
    assert page.locator("h1").inner_text() == "Home 3"
    assert page.locator("#__goalpath-overlay").count() == 0

    # the server restarts on the same port: the page reconnects and reloads itself
    port = r.server.port
    r.server.stop()
    again = make_server(port=port)
    with page.expect_navigation(timeout=5000):
        _wait(lambda: again.server.live_clients >= 1)
    _wait(lambda: again.server.live_clients >= 1)
    assert page.locator("h1").inner_text() == "Home 1"  # served by the new server
    assert alerts == []


# -- abuse: odd requests, long URLs, other methods, slow clients -------------------------------


def _raw(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read the whole answer (the server closes after one request)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)  # one request: the server answers, then closes
        chunks = []
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _status(answer: bytes) -> int:
    first = answer.split(b"\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[1].isdigit() else 0


@pytest.mark.parametrize(
    "method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO"]
)
def test_other_methods_are_refused(running: Running, method: str) -> None:
    answer = _raw(
        running.server.port,
        f"{method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n".encode(),
    )
    assert _status(answer) in (405, 501), answer[:200]
    assert b"Home" not in answer and SECRET.encode() not in answer
    assert running.get("/")[0] == 200


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",  # a very long URL
        b"GET /" + b"%2e%2e/" * 5_000 + b"secret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n",  # header flood
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 70_000 + b"\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),  # TLS hello
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-1,2-3,-1\r\n\r\n",
        b"GET http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        b"GET / HTTP/1.1\r\n\r\n",  # no Host at all
    ],
)
def test_malformed_requests_get_an_error_and_the_server_goes_on(
    running: Running, request_bytes: bytes
) -> None:
    answer = _raw(running.server.port, request_bytes)
    assert SECRET.encode() not in answer
    status = _status(answer)
    assert status == 0 or status < 500 or status in (501, 505), answer[:200]
    assert running.get("/")[0] == 200


def test_a_slow_client_does_not_block_others(running: Running) -> None:
    """A connection that sends half a request and waits (slowloris) holds one thread;
    others are answered meanwhile."""
    idle = [
        socket.create_connection(("127.0.0.1", running.server.port), timeout=5) for _ in range(20)
    ]
    try:
        for sock in idle:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        t0 = time.monotonic()
        assert running.get("/")[0] == 200
        assert time.monotonic() - t0 < 5
    finally:
        for sock in idle:
            sock.close()
