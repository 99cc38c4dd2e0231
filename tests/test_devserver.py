"""``goalpath serve`` end to end: the real SiteBuilder behind the dev server.

In-process servers (``run_dev_server`` on a thread, port 0) for the wiring, a few
``python -m generator serve`` subprocesses for what only a process shows (exit codes,
Ctrl+C, a port already taken), and one run in real Chromium: edit the title, see the
page reload; break the YAML, see the overlay; fix it, see the page again.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import cli
from generator.errors import GoalpathError
from generator.serve.dev import run_dev_server, watched_paths
from generator.serve.server import SCRIPT_PATH, DevServer

GOAL = "content/goals/grow-sales.md"
TITLE = "Grow sales in the north by 10%"
YAML_ERROR = re.compile(re.escape(GOAL) + r":\d+:\d+: YAML syntax error")
"""How a broken front-matter is reported: file, line and column first."""


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """A functional wait: poll until true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Serving:
    def __init__(self, server: DevServer, logs: list[str], opened: list[str]) -> None:
        self.server, self.logs, self.opened = server, logs, opened

    @property
    def port(self) -> int:
        return self.server.port

    def rebuilt(self, epoch: int) -> None:
        """Wait for the build that makes ``epoch`` (successful builds counted)."""
        wait_until(lambda: self.server.epoch >= epoch and not self.server.building())


@contextlib.contextmanager
def serving(root: Path, **options: Any) -> Iterator[Serving]:
    logs: list[str] = []
    opened: list[str] = []
    ready: queue.Queue[DevServer] = queue.Queue()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            run_dev_server(
                root,
                port=0,
                log=logs.append,
                debounce=0.05,
                on_start=ready.put,
                open_url=opened.append,
                **options,
            )
        except BaseException as exc:  # reported by the test thread
            failure.append(exc)
            ready.put(None)  # type: ignore[arg-type]

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    server = ready.get(timeout=120)
    if failure:
        raise failure[0]
    try:
        yield Serving(server, logs, opened)
    finally:
        server.stop()
        thread.join(timeout=20)
    assert not thread.is_alive()
    assert failure == []


def set_title(root: Path, title: str) -> None:
    path = root / GOAL
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), "utf-8")


# -- wiring ---------------------------------------------------------------------------------------


def test_watches_exactly_the_sources(tmp_path: Path) -> None:
    assert watched_paths(tmp_path) == [
        tmp_path / "content",
        tmp_path / "data",
        tmp_path / "themes",
        tmp_path / "reviews",
        tmp_path / "goalpath.toml",
    ]


def test_serves_injected_pages_and_rebuilds_incrementally(make_site: Callable[..., Path]) -> None:
    root = make_site()
    with serving(root) as s:
        assert s.opened == [f"http://127.0.0.1:{s.port}/"]
        status, page = get(s.port, "/goals/grow-sales/")
        assert status == 200
        assert TITLE in page
        assert SCRIPT_PATH in page  # injected on the fly...
        on_disk = (root / "build/goals/grow-sales/index.html").read_text()
        assert "__goalpath" not in on_disk  # ...never written

        set_title(root, "Grow sales quickly")
        s.rebuilt(2)
        status, page = get(s.port, "/goals/grow-sales/")
        assert "Grow sales quickly" in page
        assert TITLE not in page
        line = next(x for x in s.logs if x.startswith("rebuilt"))
        m = re.match(r"rebuilt (\d+) pages? \((\d+) unchanged\)", line)
        assert m, line
        assert int(m.group(1)) > 0 and int(m.group(2)) > 0  # only pages that show the goal
    assert any(x.startswith("serving http://127.0.0.1:") for x in s.logs)


DEV_SERVER_TRACES = ("__goalpath", "livereload", "EventSource", "text/event-stream")


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_goalpath_build_output_has_no_reload_endpoint_and_equals_the_served_build(
    make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site()
    assert cli.main(["build", "--site", str(root), "--out", str(root / "cli-build"), "-q"]) == 0
    built = files_of(root / "cli-build")
    assert any(rel.endswith(".html") for rel in built)
    for rel, data in built.items():
        for trace in DEV_SERVER_TRACES:
            assert trace.encode() not in data, (rel, trace)

    with serving(root) as s:
        status, page = get(s.port, "/goals/grow-sales/")
        assert status == 200 and SCRIPT_PATH in page  # the script exists only in responses
    assert files_of(root / "build") == built  # serve builds the very files `build` writes


def test_broken_save_keeps_the_last_good_site_until_fixed(make_site: Callable[..., Path]) -> None:
    root = make_site()
    goal = root / GOAL
    good = goal.read_text(encoding="utf-8")
    with serving(root) as s:
        goal.write_text(good.replace(f"title: {TITLE}", "title: [broken"), "utf-8")
        wait_until(lambda: s.server.problems is not None)
        problems = s.server.problems or []
        assert any(YAML_ERROR.match(p) for p in problems), problems
        assert any(YAML_ERROR.match(p) for p in s.logs)  # the terminal too
        status, page = get(s.port, "/goals/grow-sales/")
        assert status == 200 and TITLE in page  # the last good site
        assert "__goalpath-problems" in page and YAML_ERROR.search(page)

        goal.write_text(good, "utf-8")
        s.rebuilt(2)
        assert s.server.problems is None
        assert "__goalpath-problems" not in get(s.port, "/goals/grow-sales/")[1]


def test_quiet_logs_only_problems_and_the_address(make_site: Callable[..., Path]) -> None:
    root = make_site()
    with serving(root, quiet=True) as s:
        set_title(root, "Grow sales quietly")
        s.rebuilt(2)
    assert not [x for x in s.logs if x.startswith(("built", "rebuilt", "changed"))]
    assert any(x.startswith("serving ") for x in s.logs)


def test_base_url_path_is_served_under_its_prefix(make_site: Callable[..., Path]) -> None:
    root = make_site(
        {
            "goalpath.toml": """
                [site]
                title = "Test Org"
                base_url = "https://intranet.example/okr/"
                [analysis]
                as_of = 2026-06-30
            """
        }
    )
    with serving(root) as s:
        status, page = get(s.port, "/okr/goals/grow-sales/")
        assert status == 200
        assert 'href="/okr/assets/style.css"' in page  # links work on the dev server
        assert "intranet.example" not in page
        assert get(s.port, "/goals/grow-sales/")[0] == 404


def test_paths_outside_the_output_folder_are_refused(make_site: Callable[..., Path]) -> None:
    root = make_site()
    with serving(root) as s:
        for path in (
            "/../goalpath.toml",
            "/%2e%2e/goalpath.toml",
            "/goals/..%2f..%2fgoalpath.toml",
            "/goals/%2e%2e/%2e%2e/goalpath.toml",
            "/%2E%2E/%2E%2E/goalpath.toml",
            "/assets/../../goalpath.toml",
        ):
            status, body = get(s.port, path)
            assert status == 403, path
            assert "as_of" not in body


def test_port_in_use_is_a_problem_not_a_traceback(make_site: Callable[..., Path]) -> None:
    root = make_site()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(GoalpathError) as info:
            run_dev_server(root, port=port, log=lambda _: None)
        assert "already in use" in info.value.problems[0].message
        done = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"--port {port + 1}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / "build").exists()  # refused before building


def test_cli_serve_passes_its_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import webbrowser

    seen: dict[str, Any] = {}
    monkeypatch.setattr(
        "generator.serve.dev.run_dev_server", lambda site, **kw: seen.update(kw, site=site)
    )
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["serve", "--site", str(tmp_path), "--port", "0", "--open", "-q"])
    assert code == 0
    assert seen["open_url"] is webbrowser.open
    assert (seen["host"], seen["port"], seen["quiet"]) == ("127.0.0.1", 0, True)
    with contextlib.redirect_stderr(err):
        cli.main(["serve", "--site", str(tmp_path)])
    assert (seen["open_url"], seen["port"], seen["quiet"]) == (None, 8000, False)


# -- a real process -------------------------------------------------------------------------------


class ServeProcess:
    """``python -m generator serve --port 0``; its stderr lines are collected as they come."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(root), "--port", "0"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        wait_until(lambda: self.url is not None or self.proc.poll() is not None, 120)
        assert self.url is not None, "\n".join(self.lines)

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def url(self) -> str | None:
        for line in self.lines:
            m = re.match(r"serving (http://127\.0\.0\.1:\d+/)", line)
            if m:
                return m.group(1)
        return None

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # Ctrl+C
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        self._reader.join(timeout=5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        return code


def test_ctrl_c_stops_the_server_cleanly(make_site: Callable[..., Path]) -> None:
    proc = ServeProcess(make_site())
    assert proc.stop() == 0
    assert "stopping" in proc.lines
    assert not any("Traceback" in line for line in proc.lines)


@pytest.mark.browser
def test_edit_break_and_fix_in_chromium(make_site: Callable[..., Path], page: Any) -> None:
    from playwright.sync_api import expect

    root = make_site()
    goal = root / GOAL
    proc = ServeProcess(root)
    try:
        page.goto(f"{proc.url}goals/grow-sales/")
        expect(page.locator("h1")).to_contain_text(TITLE)
        page.wait_for_load_state("load")
        page.evaluate("window.__beforeEdit = true")  # gone once the page has reloaded

        # a new title on disk: the open page reloads with it within 2 seconds of the write
        written = time.monotonic()
        set_title(root, "Grow sales in the north by 12%")
        expect(page).to_have_title(re.compile(r"^Grow sales in the north by 12%"), timeout=2000)
        expect(page.locator("h1")).to_contain_text("by 12%", timeout=100)
        elapsed = time.monotonic() - written
        assert elapsed < 2.0, f"the new title took {elapsed:.2f} s to appear"
        assert page.evaluate("window.__beforeEdit") is None  # a reload, not a patched DOM
        good = goal.read_text(encoding="utf-8")

        # broken YAML on the title line: the error with that file and line, over the
        # last good page (PyYAML notices the unclosed "[" where the next key starts)
        line = next(n for n, text in enumerate(good.splitlines(), 1) if text.startswith("title:"))
        goal.write_text(good.replace("title: Grow", "title: [Grow", 1), "utf-8")
        overlay = page.locator("#__goalpath-overlay")
        expect(overlay).to_be_visible(timeout=5000)
        expect(overlay).to_contain_text(YAML_ERROR)
        where = overlay.locator(".__goalpath-where").first.inner_text()
        m = re.fullmatch(rf"{re.escape(GOAL)}:(\d+):\d+", where)
        assert m and int(m.group(1)) in (line, line + 1), (where, line)
        expect(page.locator("h1")).to_contain_text("by 12%")
        assert any(text.startswith(f"{where}: YAML syntax error") for text in proc.lines)

        # fixed: the page comes back with the fixed file's title, without the overlay
        goal.write_text(good.replace("by 12%", "by 15%"), "utf-8")
        expect(page.locator("h1")).to_contain_text("by 15%", timeout=5000)
        expect(overlay).to_have_count(0)
        expect(page).to_have_title(re.compile(r"^Grow sales in the north by 15%"))
    finally:
        assert proc.stop() == 0


def test_concurrent_readers_while_files_change_never_see_an_error(
    make_site: Callable[..., Path],
) -> None:
    """Eight readers request pages without pause while the goal is saved five times:
    every answer is a 200 with a whole page (the build swaps complete sites), and once
    the saves stop, the page shows the last edit."""
    root = make_site()
    pages = ["/", "/goals/grow-sales/", "/paths/selling/", "/reviews/latest/", "/timeline/"]
    statuses: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    with serving(root) as s:

        def reader(k: int) -> None:
            n = 0
            while not stop.is_set() and n < 400:
                path = pages[(k + n) % len(pages)]
                n += 1
                try:
                    status, body = get(s.port, path)
                except OSError as exc:  # a refused or reset connection is a failure too
                    failures.append(f"{path}: {exc!r}")
                    continue
                statuses.append(status)
                if status != 200 or "</html>" not in body:
                    failures.append(f"{path}: {status} {body[:80]!r}")

        threads = [threading.Thread(target=reader, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for i in range(5):
            set_title(root, f"Grow sales, edit {i}")
            time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        wait_until(lambda: not s.server.building())
        wait_until(lambda: "Grow sales, edit 4" in get(s.port, "/goals/grow-sales/")[1], 30)
    assert failures == [], failures[:5]
    assert len(statuses) >= 40  # the readers really ran during the edits
