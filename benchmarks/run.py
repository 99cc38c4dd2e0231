"""How fast is goalpath, against Hugo on the same machine in the same run? One table.

    python benchmarks/run.py [--runs 3] [--quick] [--only TEXT]
    make bench

Each scenario is a real ``goalpath`` command in a fresh process (what a user waits
for), on sites generated into a temp folder by ``make_big_site.py`` (the repository is
never touched), except the two ``serve`` rows: those time the rebuild of the builder
``goalpath serve`` keeps after one file is saved (the page written, not yet reloaded).

Columns: the median wall time of ``--runs`` runs (one for the large sites), Hugo's
median building 1,000 plain pages (when ``hugo`` is installed: ``apt-get install -y
hugo``), the ratio, the peak memory of the process and its workers (the sum of their
proportional set sizes, sampled every 20 ms), and the time the command spent importing
modules (``python -X importtime``, its top-level imports summed, in one extra run).

``--quick`` leaves out the 5,000-goal site (the slowest row, minutes on two cores).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from make_big_site import page_text, write_pages, write_site  # noqa: E402

GOALPATH = [sys.executable, "-m", "generator.cli"]


@dataclass
class Row:
    scenario: str
    seconds: list[float]
    peak_mb: float | None = None
    import_s: float | None = None
    hugo: bool = False
    """Compare with Hugo's 1,000 pages."""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


# ---------------------------------------------------------------- measuring a command


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the parent pid is the second field after the command in parentheses
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def _tree_pss_kb(pid: int) -> int:
    return _pss_kb(pid) + sum(_pss_kb(child) for child in _children(pid))


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, peak MB of the process tree) of one run; exits on failure."""
    peak = [0]
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_pss_kb(proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - t
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return seconds, peak[0] / 1024


def import_seconds(cmd: list[str]) -> float:
    """Seconds the command spends importing: ``-X importtime``'s top-level lines summed."""
    assert cmd[0] == sys.executable
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd[1:]],
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if match:  # a top-level import (nested ones are indented)
            total += int(match.group(1))
    return total / 1e6


def measure(
    scenario: str,
    cmd: list[str],
    runs: int,
    before: Callable[[], None] = lambda: None,
    *,
    hugo: bool = False,
) -> Row:
    seconds, peaks = [], []
    for _ in range(runs):
        before()
        s, mb = run(cmd)
        seconds.append(s)
        peaks.append(mb)
    before()
    imports = import_seconds(cmd)
    row = Row(scenario, seconds, max(peaks), imports, hugo)
    print(f"  measured: {scenario}: {row.median:.2f} s", file=sys.stderr, flush=True)
    return row


# ---------------------------------------------------------------- Hugo


def hugo_seconds(tmp: Path, runs: int) -> float | None:
    """Hugo's median cold build of the same 1,000 pages (a layout with a menu), or None."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    site = tmp / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "config.toml").write_text('title = "Pages only"\nbaseURL = "/"\n', encoding="utf-8")
    layout = (
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body>"
        '<nav>{{ range .Site.Menus.main }}<a href="{{ .URL }}">{{ .Name }}</a>{{ end }}</nav>'
        "<main>{{ .Content }}</main></body></html>\n"
    )
    for name in ("single.html", "list.html"):
        (site / "layouts" / "_default" / name).write_text(layout, encoding="utf-8")
    for n in range(1000):
        (site / "content" / f"page-{n:04d}.md").write_text(page_text(n), encoding="utf-8")
    times = []
    for _ in range(runs):
        for folder in ("public", "resources"):
            shutil.rmtree(site / folder, ignore_errors=True)
        times.append(run([hugo, "--quiet", "--source", str(site)])[0])
    return statistics.median(times)


# ---------------------------------------------------------------- serve rebuilds


def serve_rows(root: Path, runs: int) -> list[Row]:
    """The rebuild ``goalpath serve`` does after one goal's prose, then title, is saved."""
    from generator.build.builder import SiteBuilder

    goals = sorted((root / "content" / "goals").glob("*.md"))
    goal = goals[len(goals) // 2]
    original = goal.read_text(encoding="utf-8")
    head, sep, body = original.partition("\n---\n")
    builder = SiteBuilder(root, root.parent / "serve-out", in_place=True)  # as serve makes it
    builder.build()  # what serve starts with

    def timed(change: Callable[[int], str]) -> list[float]:
        out = []
        for i in range(runs):
            goal.write_text(change(i), encoding="utf-8")
            t = time.perf_counter()
            result = builder.build()
            out.append(time.perf_counter() - t)
            assert result.ok and result.pages < 50, "a one-goal edit re-rendered the site"
        return out

    def title(i: int) -> str:
        lines = head.split("\n")
        at = next(n for n, line in enumerate(lines) if line.startswith("title:"))
        lines[at] += f" (v{i})"
        return "\n".join(lines) + sep + body

    rows = [
        Row("  serve: one goal's prose edited", timed(lambda i: f"{original}\nEdit {i}.\n")),
        Row("  serve: one goal's title edited", timed(title)),
    ]
    goal.write_text(original, encoding="utf-8")
    return rows


# ---------------------------------------------------------------- the table


def print_table(rows: list[Row], hugo: float | None) -> None:
    head = (
        f"{'scenario':<72} {'goalpath':>9} {'Hugo':>7} {'ratio':>7} {'peak MB':>8} {'imports':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        h = f"{hugo:6.2f}s" if hugo is not None and r.hugo else "      —"
        ratio = f"{r.median / hugo:6.1f}x" if hugo and r.hugo else "      —"
        peak = f"{r.peak_mb:8.0f}" if r.peak_mb is not None else "       —"
        imports = f"{r.import_s:7.2f}s" if r.import_s is not None else "       —"
        print(f"{r.scenario:<72} {r.median:8.2f}s {h} {ratio} {peak} {imports}")
    print(
        f"\nmedians; Hugo column: Hugo {'(not installed)' if hugo is None else ''}building "
        "1,000 plain pages cold; peak MB: the process and its workers (PSS)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each small scenario")
    parser.add_argument("--quick", action="store_true", help="leave out the 5,000-goal site")
    parser.add_argument("--only", default="", help="only scenarios whose name contains this")
    args = parser.parse_args()
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="goalpath-bench-") as tmp_name:
        tmp = Path(tmp_name)

        def wanted(name: str) -> bool:
            return args.only.lower() in name.lower()

        def build_rows(
            name: str, root: Path, runs: int, *, again: bool = False, checkout: bool = False
        ) -> None:
            out = root.parent / "out"
            cache = root / ".goalpath-cache"
            cmd = [*GOALPATH, "build", "--site", str(root), "--out", str(out), "-q"]
            if not wanted(name):
                return

            def new_checkout() -> None:
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)

            def cold() -> None:
                # no fits, no chart templates; the Vega bundle (the same file every build,
                # made once per checkout) stays
                for f in cache.glob("*"):
                    if not f.name.startswith("vega-bundle-"):
                        f.unlink()
                shutil.rmtree(out, ignore_errors=True)

            if checkout:
                rows.append(
                    measure(f"{name}: first build of a new checkout", cmd, runs, new_checkout)
                )
            subprocess.run(cmd, check=True)
            rows.append(measure(f"{name}: build, no cache", cmd, runs, cold, hugo=True))
            if again:
                rows.append(measure(f"{name}: build again, nothing changed", cmd, runs, hugo=True))
                forced = [*cmd, "--force"]  # everything rendered again, caches warm
                rows.append(measure(f"{name}: build again --force", forced, runs, hugo=True))
                goals = sorted((root / "content" / "goals").glob("*.md"))
                if goals:  # from the state the last build saved (build/saved_state.py)
                    edited = goals[len(goals) // 2]
                    count = iter(range(1_000_000))

                    def prose_edit() -> None:
                        with edited.open("a", encoding="utf-8") as fh:
                            fh.write(f"\nEdit {next(count)}.\n")

                    subprocess.run(cmd, check=True)  # a saved state to start from
                    rows.append(
                        measure(f"{name}: build after one goal's prose edit", cmd, runs, prose_edit)
                    )

        example = tmp / "example" / "site"
        example.mkdir(parents=True)
        for folder in ("content", "data"):
            shutil.copytree(REPO / folder, example / folder)
        shutil.copy(REPO / "goalpath.toml", example / "goalpath.toml")
        build_rows("example site (9 goals)", example, args.runs, again=True, checkout=True)
        if wanted("example site: check"):
            check = [*GOALPATH, "check", "--site", str(example)]
            subprocess.run(check, check=True, capture_output=True)  # a result to repeat
            rows.append(measure("example site: check, nothing changed", check, args.runs))
            edited = sorted((example / "content" / "goals").glob("*.md"))[0]
            count = iter(range(1_000_000))

            def prose_edit() -> None:
                with edited.open("a", encoding="utf-8") as fh:
                    fh.write(f"\nEdit {next(count)}.\n")

            rows.append(
                measure(
                    "example site: check after one goal's prose edit", check, args.runs, prose_edit
                )
            )

        build_rows("1,000 plain pages", write_pages(tmp / "pages" / "site"), args.runs, again=True)
        sizes = [100, 1000] + ([] if args.quick else [5000])
        for n in sizes:
            name = f"{n:,} goals, monthly KPIs ({n * 72:,} rows)"
            if wanted(name):
                site = write_site(tmp / f"goals-{n}" / "site", n)
                build_rows(name, site, args.runs if n <= 100 else 1)
        name = "1,000 goals, 1,000,000 daily KPI rows"
        if wanted(name) or wanted("serve"):
            big = write_site(tmp / "daily" / "site", 1000, kpi_rows=1_000_000)
            build_rows(name, big, 1, again=True)
            rows.extend(serve_rows(big, args.runs))
        name = "1,000 goals, 2,000,000 daily KPI rows"  # issue 14: peak within 1.5 GB
        if not args.quick and wanted(name):
            build_rows(name, write_site(tmp / "daily2" / "site", 1000, kpi_rows=2_000_000), 1)
        hugo = hugo_seconds(tmp, args.runs)
    print()
    print_table(rows, hugo)
    print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
