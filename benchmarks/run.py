"""How fast is the authoring loop? Full build vs. rebuild after a one-goal edit.

    python benchmarks/run.py [--goals 1000] [--runs 5] [--full-runs 3]
                             [--big-runs 3] [--big-full-runs 1] [--skip-big]
    make bench

For the example site (copied to a temp folder: the repository is never touched) and a
generated site of ``--goals`` goals (``make_big_site.py``, in a temp folder), in one
warm process:

- full build: a fresh ``SiteBuilder`` into an empty folder (what ``goalpath build`` does
  after start-up); the first sample is the build ``goalpath serve`` starts with,
- rebuild after editing one goal's prose, and after editing its title (front-matter):
  the builder of ``goalpath serve``, which keeps sources, analyses, charts, review
  snapshots and pages.

Prints medians of the runs, pages rendered vs. reused, full ÷ rebuild, and where the
median title rebuild spent its time. A clean build of the 1,000-goal site takes minutes
on two cores (the analyses and period reviews of every goal), so it is built once by
default; the whole run stays under about five minutes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from make_big_site import write_site  # noqa: E402

from generator.build.builder import BuildResult, SiteBuilder  # noqa: E402


@dataclass
class Timing:
    seconds: list[float]
    pages: int
    reused: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _checked(result: BuildResult) -> BuildResult:
    if not result.ok:
        problems = "\n".join(p.format() for p in result.problems)
        raise SystemExit(f"benchmark site does not build:\n{problems}")
    return result


def timed_build(builder: SiteBuilder) -> tuple[float, BuildResult]:
    t = time.perf_counter()
    result = _checked(builder.build())
    return time.perf_counter() - t, result


def full_builds(root: Path, runs: int) -> tuple[Timing, SiteBuilder]:
    """``runs`` clean builds by fresh builders; the last one's builder is kept (serve's)."""
    times, last, builder = [], None, None
    for i in range(runs):
        out = root.parent / f"full-{i}"
        builder = SiteBuilder(root, out)
        seconds, last = timed_build(builder)
        times.append(seconds)
        if i < runs - 1:
            shutil.rmtree(out)
    assert last is not None and builder is not None
    return Timing(times, last.pages, last.reused), builder


def rebuilds(
    builder: SiteBuilder, runs: int, change: Callable[[int], None]
) -> tuple[Timing, dict[str, float]]:
    """``runs`` rebuilds after ``change(i)``; also the stage timings of the median run."""
    samples = []
    for i in range(runs):
        change(i)
        samples.append(timed_build(builder))
    samples.sort(key=lambda s: s[0])
    median = samples[len(samples) // 2][1]
    last = samples[-1][1]
    timing = Timing([s for s, _ in samples], median.pages, median.reused)
    assert last.pages == median.pages, "rebuilds of the same edit rendered different pages"
    return timing, median.timings


def bench_site(name: str, root: Path, goal: Path, runs: int, full_runs: int) -> None:
    print(f"\n{name}: {root}", flush=True)
    original = goal.read_text(encoding="utf-8")
    head, sep, body = original.partition("\n---\n")
    assert sep, f"{goal} has no front-matter"

    def prose(i: int) -> None:
        goal.write_text(f"{head}{sep}{body}\nEdit number {i}.\n", encoding="utf-8")

    def title(i: int) -> None:
        lines = head.split("\n")
        at = next(n for n, line in enumerate(lines) if line.startswith("title:"))
        lines[at] += f" (v{i})"
        goal.write_text("\n".join(lines) + sep + body, encoding="utf-8")

    full, builder = full_builds(root, full_runs)  # the last one is what `serve` starts with
    results = {
        "rebuild, one goal's prose edited": rebuilds(builder, runs, prose),
        "rebuild, one goal's title edited": rebuilds(builder, runs, title),
    }
    goal.write_text(original, encoding="utf-8")
    stages = results["rebuild, one goal's title edited"][1]

    def row(label: str, t: Timing, ratio: str = "") -> None:
        runs_text = " ".join(f"{s:.2f}" for s in t.seconds)
        print(
            f"  {label:<36} {t.median:7.2f} s  rendered {t.pages:5d}  reused {t.reused:5d}"
            f"  {ratio:>8}  runs: {runs_text}"
        )

    row("full build (fresh builder)", full)
    for label, (t, _) in results.items():
        row(label, t, f"{full.median / t.median:6.1f}x")
    spent = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
    print(f"  title rebuild, median run by stage (s): {spent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goals", type=int, default=1000, help="goals in the generated site")
    parser.add_argument("--runs", type=int, default=5, help="rebuilds per kind of edit")
    parser.add_argument("--full-runs", type=int, default=3, help="full builds per site")
    parser.add_argument("--big-runs", type=int, default=3, help="rebuilds per edit, big site")
    parser.add_argument(
        "--big-full-runs", type=int, default=1, help="full builds of the big site (minutes each)"
    )
    parser.add_argument("--skip-big", action="store_true", help="only the example site")
    args = parser.parse_args()

    started = time.perf_counter()
    print("goalpath benchmark: medians in seconds, one warm process (imports excluded)")
    with tempfile.TemporaryDirectory(prefix="goalpath-bench-") as tmp:
        example = Path(tmp) / "example" / "site"
        example.mkdir(parents=True)
        for folder in ("content", "data"):
            shutil.copytree(REPO / folder, example / folder)
        shutil.copy(REPO / "goalpath.toml", example / "goalpath.toml")
        goals = sorted((example / "content" / "goals").glob("*.md"))
        # warm-up: the first build in a process pays for imports and the Vega bundle
        _checked(SiteBuilder(example, Path(tmp) / "warm-up").build())
        bench_site("example site", example, goals[0], args.runs, args.full_runs)

        if not args.skip_big:
            big = Path(tmp) / "big" / "site"
            t = time.perf_counter()
            write_site(big, args.goals)
            print(f"\ngenerated a {args.goals}-goal site in {time.perf_counter() - t:.1f} s")
            goal = big / "content" / "goals" / f"goal-{args.goals // 2:04d}.md"
            bench_site(
                f"generated site, {args.goals} goals",
                big,
                goal,
                args.big_runs,
                args.big_full_runs,
            )

    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
