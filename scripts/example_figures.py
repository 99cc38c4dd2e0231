"""Print the example site's analysis figures that docs/analysis.md quotes.

python scripts/example_figures.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.analysis.site import analyse_site  # noqa: E402
from generator.build.inputs import load_inputs  # noqa: E402
from generator.errors import Problems  # noqa: E402


def main() -> None:
    inputs = load_inputs(REPO, Problems())
    assert inputs is not None, "the example site does not load"
    analysis = analyse_site(inputs.site, inputs.dataset)
    for gid, ga in analysis.goals.items():
        p = ga.progress
        print(f"## {gid}: {p.status}, current {p.current}, progress {p.progress}")
        if p.forecast:
            f = p.forecast
            print(f"   forecast {f.value:.3f} ({f.low:.3f} to {f.high:.3f}) on {f.date}")
        for i in ga.impacts:
            if i.estimate is None:
                continue
            print(
                f"   {i.cohort} {i.method} {i.estimate:.3f} ({i.ci_low} to {i.ci_high}) "
                f"trend-adj {i.trend_estimate} ({i.trend_ci_low} to {i.trend_ci_high}) "
                f"parallel p {i.parallel_trend_p} rho {i.autocorrelation} {i.evidence}"
            )
        if ga.best_impact is not None:
            print(f"   headline: {ga.best_impact.summary}")
        if ga.mde is not None:
            print(f"   MDE {ga.mde:.3f}")
        if ga.roi is not None:
            r = ga.roi
            print(f"   ROI {r.roi_pct:.1f}% ({r.roi_low:.1f} to {r.roi_high:.1f})")
        if ga.roi_withheld:
            print(f"   ROI withheld: {ga.roi_withheld}")
        for b in ga.behaviour:
            print(f"   behaviour {b}")


if __name__ == "__main__":
    main()
