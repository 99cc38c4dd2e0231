"""Leading indicators: one panel per unit on one time axis (completion per cohort,
the mean score, each KPI-metric indicator)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .base import (
    ChartSpec,
    Table,
    chart_config,
    day_of,
    fill,
    fmt,
    iso_day,
    period_text,
    reads,
    template,
    vl_datetime,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..analysis.site import SiteAnalysis
    from ..model.site import Goal, Site


READS = reads()
"""Only the goal's own analysis."""


@template
def _template() -> dict[str, Any]:
    import altair as alt

    chart = (
        alt.Chart(alt.Data(name="leading"))
        .mark_line(point=True)
        .encode(
            # Monthly ticks: with the default ticks a few weeks of data labelled every
            # week "Aug 2026", "Aug 2026", … (overlapping labels are dropped).
            x=alt.X(
                "date:T",
                title=None,
                axis=alt.Axis(
                    format="%b %Y",
                    labelAngle=0,
                    tickCount={"interval": "month", "step": 1},
                ),
            ),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "indicator:N",
                title=None,
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(columns={"expr": "width < 500 ? 1 : 4"}),
            ),
            tooltip=[
                alt.Tooltip("indicator:N", title="Indicator"),
                alt.Tooltip("label:N", title="Period"),
                alt.Tooltip("value:Q", title="Value", format=".3~g"),
            ],
        )
        .properties(width="container", height=180)
    )
    spec: dict[str, Any] = chart.to_dict()
    spec["config"] = chart_config()
    return spec


def make(
    rows: list[dict[str, Any]],
    *,
    summary: str,
    title: str = "Leading indicators",
    domain: tuple[Any, Any] | None = None,
    zero: bool = True,
) -> ChartSpec:
    """``rows``: date, label, indicator, value: one panel, one unit (``title``).

    ``domain``: the first and last date of all panels, so they share the time axis; a
    panel with one line has no legend (its title names it). ``zero=False``: the y axis
    fits the values (a process measure moving 60 → 70 is not drawn as flat).
    """
    import copy

    spec = copy.deepcopy(fill(_template(), leading=rows))
    enc = spec["encoding"]
    if not zero:
        enc["y"]["scale"] = {"zero": False}
    if domain is not None:
        enc["x"]["scale"] = {"domain": [vl_datetime(d) for d in domain]}
    if len({r["indicator"] for r in rows}) == 1:
        enc["color"]["legend"] = None
    table = Table(
        ["Period", "Indicator", "Value"],
        [[r["label"], r["indicator"], fmt(r["value"])] for r in rows],
        ["period", "period_start", "indicator", "value"],
        [[r["label"], iso_day(r["date"]), r["indicator"], r["value"]] for r in rows],
    )
    return ChartSpec(spec, summary, title, table)


def panels(leading: Mapping[str, pd.Series] | None, period: str) -> list[ChartSpec]:
    """One panel per unit, on one time axis: completion (%, a line per cohort), the mean
    score, and each KPI-metric indicator. On one 0–100 axis a 10–14% transfer rate was
    a flat line beside completion and scores."""
    from ..analysis.learning import LEADING_COMPLETION, LEADING_SCORE

    panels: dict[str, list[dict[str, Any]]] = {}
    for indicator, series in (leading or {}).items():
        panel = LEADING_COMPLETION if indicator.startswith(LEADING_COMPLETION) else indicator
        line = indicator.removeprefix(LEADING_COMPLETION + ": ") if panel != indicator else panel
        for ts, v in series.items():
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            panels.setdefault(panel, []).append(
                {
                    "date": day_of(ts),
                    "label": period_text(ts, period),
                    "indicator": line,
                    "value": float(v),
                }
            )
    days = [r["date"] for rows in panels.values() for r in rows]
    if not days:
        return []
    domain = (min(days), max(days))
    out = []
    for panel, rows in panels.items():
        lines = sorted({r["indicator"] for r in rows})
        what = f"{panel}, per cohort: {', '.join(lines)}" if lines != [panel] else panel
        first = min(rows, key=lambda r: r["date"])["label"]
        last = max(rows, key=lambda r: r["date"])["label"]
        summary = f"{what}; {len(rows)} values from {first} to {last}."
        shares = panel in (LEADING_COMPLETION, LEADING_SCORE)  # 0–100 by nature
        out.append(make(rows, summary=summary, title=panel, domain=domain, zero=shares))
    return out


def for_goal(site: Site, goal: Goal, analysis: SiteAnalysis) -> list[ChartSpec]:
    return panels(analysis.goals[goal.meta.id].leading, analysis.period)
