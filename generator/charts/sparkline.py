"""An inline-SVG sparkline of a KPI (the dashboard's cards): no Vega, no script."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sparkline:
    points: str
    """SVG polyline points in a 100×30 box."""
    last: tuple[float, float]
    target_y: float | None
    label: str


def sparkline(values: Sequence[float], target: float | None, label: str) -> Sparkline | None:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if len(vals) < 2:
        return None
    lo = min([*vals, target] if target is not None else vals)
    hi = max([*vals, target] if target is not None else vals)
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return round(28 - (v - lo) / span * 26, 2)

    step = 100 / (len(vals) - 1)
    pts = [(round(i * step, 2), y(v)) for i, v in enumerate(vals)]
    return Sparkline(
        " ".join(f"{a},{b}" for a, b in pts),
        pts[-1],
        y(target) if target is not None else None,
        label,
    )
