"""How honest are the impact intervals? Coverage and false positives on generated panels.

    python benchmarks/calibration.py [--draws 1000]
    make calibration

For each scenario of ``tests/calibration.py`` (the same panels the calibration tests
draw), prints the share of 95% intervals that cover the planted effect, the share of
zero effects called significant, and how long the draws took; then staggered cohorts,
the headline of three null cohorts against the best of them, and diverging pre-trends.
Targets: coverage 93–97%, false positives at most 6%.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.calibration import (  # noqa: E402
    DIVERGING,
    SCENARIOS,
    headline_false_positives,
    run,
    staggered_coverage,
)


def row(name: str, coverage: str, false_positives: float, seconds: float | None) -> None:
    took = "" if seconds is None else f"{seconds:.1f}"
    print(f"{name:48} {coverage:>9} {false_positives:8.1%} {took:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000, help="panels per scenario")
    n = parser.parse_args().draws
    print(f"{'scenario':48} {'coverage':>9} {'false +':>8} {'seconds':>8}")
    for sc in SCENARIOS:
        start = time.perf_counter()
        out = run(sc, n)
        row(sc.name, f"{out.coverage:.1%}", out.rejection, time.perf_counter() - start)
    start = time.perf_counter()
    out = staggered_coverage(n)
    row(
        "staggered cohorts, AR(1) 0.6",
        f"{out.coverage:.1%}",
        out.rejection,
        time.perf_counter() - start,
    )
    start = time.perf_counter()
    headline, best = headline_false_positives(n)
    row("three null cohorts: the headline claims", "", headline, time.perf_counter() - start)
    row("three null cohorts: the best of three would", "", best, None)
    start = time.perf_counter()
    out = run(DIVERGING, n)
    strong = sum(out.strong) / len(out.strong)
    row("diverging pre-trends, no effect: called strong", "", strong, time.perf_counter() - start)


if __name__ == "__main__":
    main()
