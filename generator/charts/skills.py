"""The skills gap: required against current level per skill and target group, biggest
gaps first (site-wide on the skills page, a goal's own on its page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import ROW, ChartSpec, Table, chart_config, fill, reads, rows_high, template, words
from .palette import CELL_INK, GRID, INK

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis
    from ..model.site import Goal, Site


READS = reads("paths", "skills")
"""The gaps that name the goal; path titles for "taught by"."""


@template
def _template() -> dict[str, Any]:
    """Skills down, target groups across (few groups: it fits a phone), biggest gap on top.

    Each cell: colour = gap in levels; text = the gap, and below it current / required.
    """
    import altair as alt

    base = alt.Chart(alt.Data(name="skills")).encode(
        x=alt.X(
            "group:N",
            title=None,
            sort=alt.EncodingSortField("group_order", op="min"),
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                # one word a line; skills_chart() pads the labels up by the extra lines,
                # which Vega writes downwards, into the first row of cells
                labelExpr="split(datum.label, ' ')",
                labelLineHeight=11,
                labelLimit=120,
                domain=False,
                ticks=False,
            ),
        ),
        y=alt.Y(
            "skill:N",
            title=None,
            sort=alt.EncodingSortField("rank", op="min"),
            axis=alt.Axis(labelLimit=170, domain=False, ticks=False),
        ),
    )
    tooltip = [
        alt.Tooltip("skill:N", title="Skill"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("required:Q", title="Required"),
        alt.Tooltip("current_text:N", title="Current"),
        alt.Tooltip("gap_text:N", title="Gap"),
        alt.Tooltip("taught_by:N", title="Taught by"),
    ]
    backdrop = base.mark_rect(cornerRadius=3, color=GRID).encode(tooltip=tooltip)
    cells = base.mark_rect(cornerRadius=3).encode(
        color=alt.Color(
            "gap:Q",
            title="Gap (levels below required)",
            scale=alt.Scale(scheme="orangered", domain=[0, 3], clamp=True),
            legend=alt.Legend(orient="bottom", gradientLength=160),
        ),
        tooltip=tooltip,
    )
    # white on a dark cell, CELL_INK on a light one, INK (the theme's text) on the backdrop
    # of a cell with no figure
    dark = alt.condition(
        "datum.gap === null",
        alt.value(INK),
        alt.value(alt.expr(f"datum.gap > 1.5 ? 'white' : '{CELL_INK}'")),
    )
    gap_text = base.mark_text(fontSize=12, fontWeight="bold", dy=-6).encode(
        text="gap_text:N", color=dark, tooltip=tooltip
    )
    level_text = base.mark_text(fontSize=9, dy=8).encode(
        text="levels_text:N", color=dark, tooltip=tooltip
    )
    spec: dict[str, Any] = (
        alt.layer(backdrop, cells, gap_text, level_text)
        .properties(width="container", height=ROW)
        .to_dict()
    )
    spec["config"] = chart_config()
    return spec


def make(rows: list[dict[str, Any]], *, summary: str) -> ChartSpec:
    """``rows``: group, group_order, skill, rank, required, current (or None), gap (or None),
    current_text, gap_text, levels_text, taught_by."""
    table = Table(
        ["Group", "Skill", "Required", "Current", "Gap", "Taught by"],
        [
            [
                r["group"],
                r["skill"],
                str(r["required"]),
                r["current_text"],
                r["gap_text"],
                r["taught_by"],
            ]
            for r in rows
        ],
    )
    spec = rows_high(fill(_template(), skills=rows), len({r["skill"] for r in rows}), ROW)
    lines = max((len(str(r["group"]).split()) for r in rows), default=1)
    if lines > 1:
        layers = []
        for layer in spec["layer"]:
            x = layer["encoding"]["x"]
            axis = {**x.get("axis", {}), "labelPadding": 3 + 11 * (lines - 1)}
            layers.append({**layer, "encoding": {**layer["encoding"], "x": {**x, "axis": axis}}})
        spec["layer"] = layers
    return ChartSpec(spec, summary, "Skills gap", table)


def heatmap(gaps: list[Any], site: Site) -> ChartSpec | None:
    """Required against current level per skill and target group, biggest gaps first."""
    rank: dict[str, int] = {}
    for g in gaps:  # ``gaps`` come biggest first (analysis.skills.skills_gaps)
        rank.setdefault(words(g.skill), len(rank))
    groups = sorted({g.group for g in gaps}, key=lambda name: (name == "", name))
    rows = []
    for g in gaps:
        suppressed = getattr(g, "suppressed", False)
        taught = [site.paths[p].meta.title for p in g.taught_by if p in site.paths]
        current_text = (
            "hidden" if suppressed else ("–" if g.current is None else f"{g.current:.1f}")
        )
        rows.append(
            {
                "group": words(g.group) if g.group else "everyone",
                "group_order": groups.index(g.group),
                "skill": words(g.skill),
                "rank": rank[words(g.skill)],
                "required": g.required,
                "current": None if suppressed else g.current,
                "gap": None if suppressed else g.gap,
                "current_text": current_text,
                "gap_text": "hidden" if suppressed else ("?" if g.gap is None else f"{g.gap:+.1f}"),
                "levels_text": f"{current_text if g.current is not None else '?'} / {g.required}",
                "taught_by": ", ".join(taught) or "no path teaches this",
            }
        )
    if not rows:
        return None
    known = [r for r in rows if r["gap"] is not None]
    if known:
        worst = max(known, key=lambda r: r["gap"])
        summary = (
            f"Biggest gap: {worst['skill']} for {worst['group']}, {worst['gap_text']} levels "
            f"(required {worst['required']}, current {worst['current_text']})."
        )
        untaught = sorted({r["skill"] for r in rows if r["taught_by"] == "no path teaches this"})
        if untaught:
            summary += f" No path teaches: {', '.join(untaught)}."
    else:
        summary = "No current skill levels recorded yet."
    summary += " Each cell shows the gap, and below it current / required level."
    return make(rows, summary=summary)


def for_goal(site: Site, goal: Goal, analysis: SiteAnalysis) -> ChartSpec | None:
    gaps = [g for g in analysis.skills if goal.meta.id in getattr(g, "goals", ())]
    return heatmap(gaps, site) if gaps else None


def for_site(site: Site, analysis: SiteAnalysis) -> ChartSpec | None:
    return heatmap(analysis.skills, site)
