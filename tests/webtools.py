"""Web checking tools for tests: the Nu HTML checker (vnu-jar) and axe-core from npm.

Both come from ``tests/.node`` (package.json + package-lock.json). ``make check`` runs
``npm ci`` there; when node_modules is missing, ``node_tools()`` runs it once itself
(``--ignore-scripts``: vnu-jar's postinstall would download a Java runtime; Debian's is
used instead). A missing npm or Java fails the test with the package to install.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

NODE_DIR = Path(__file__).resolve().parent / ".node"
VNU_JAR = NODE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# vnu's CSS checker predates SVG 2's `vector-effect`, which Chromium and Firefox support.
KNOWN_FALSE_POSITIVES = ("Property “vector-effect” doesn't exist",)


def node_tools() -> Path:
    """Make sure vnu.jar and axe.min.js are installed; returns ``tests/.node``."""
    if VNU_JAR.is_file() and AXE_JS.is_file():
        return NODE_DIR
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm not found: apt-get install -y nodejs npm (then `make check` runs npm ci)")
    with (NODE_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (VNU_JAR.is_file() and AXE_JS.is_file()):
            proc = subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                pytest.fail(f"npm ci in {NODE_DIR} failed:\n{proc.stderr[-2000:]}")
    return NODE_DIR


@dataclass(frozen=True)
class VnuMessage:
    file: str
    line: int | None
    message: str
    extract: str

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}  [{self.extract.strip()[:80]}]"


def run_vnu(site: Path, files: list[Path]) -> list[VnuMessage]:
    """Errors the Nu HTML checker finds in ``files`` (HTML, CSS, SVG) of a built ``site``."""
    node_tools()
    java = shutil.which("java")
    if java is None:
        pytest.fail("java not found: apt-get install -y default-jre-headless")
    proc = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--also-check-css",
            "--also-check-svg",
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(proc.stderr)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no JSON report (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    out: list[VnuMessage] = []
    root = site.resolve()
    for m in report.get("messages", []):
        if m.get("type") != "error" and m.get("subType") != "fatal":
            continue
        if any(fp in m.get("message", "") for fp in KNOWN_FALSE_POSITIVES):
            continue
        url = m.get("url", "")
        path = Path(unquote(urlsplit(url).path))
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else url
        out.append(VnuMessage(rel, m.get("lastLine"), m.get("message", ""), m.get("extract", "")))
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return out


def run_axe(page: object) -> list[dict]:
    """Inject axe-core into a loaded Playwright page; its violations (all rules, all impacts).

    The inside of a drawn chart is skipped: it sits in a ``role="img"`` frame whose label is
    the chart's summary, so assistive technology never reaches it (the frame is checked).
    """
    node_tools()
    page.add_script_tag(path=str(AXE_JS))  # type: ignore[attr-defined]
    return page.evaluate(  # type: ignore[attr-defined,no-any-return]
        """async () => {
            const r = await axe.run({exclude: [['.chart-frame .chart-canvas']]},
                                    {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                          summary: n.failureSummary})),
            }));
        }"""
    )


@pytest.fixture(scope="session")
def built_example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example site, built once per test session into a temp folder."""
    from generator.build.builder import SiteBuilder

    out = tmp_path_factory.mktemp("example-site") / "build"
    result = SiteBuilder(Path(__file__).resolve().parents[1], out).build()
    assert result.ok, [p.format() for p in result.problems]
    return out
