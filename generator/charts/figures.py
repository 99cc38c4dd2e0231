"""Analysis results → the chart specs of each page (the chart stage's glue).

``build_charts`` returns a dict: ``"goal:<id>"`` and ``"path:<id>"`` map to that
page's charts by name; ``"timeline"`` and ``"skills"`` are site-wide charts.
Pure: no files, no HTML.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from ..analysis.wording import day_label as _day
from ..analysis.wording import id_words
from ..model.site import Goal, LearningPath, Site
from . import templates as ch

STAGES = ("Enrolled", "Started", "Completed", "Passed")


def _label(ts: Any, period: str) -> str:
    from ..analysis.periods import period_label

    return str(period_label(ts, period))


def _d(value: Any) -> dt.date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _words(slug: str, *, capital: bool = False) -> str:
    """A slug as words for readers: ``ward-nurses`` → ``ward nurses`` (``capital``: ``Ward
    nurses``). Letters keep their case otherwise: ``crm-tools`` cannot know it was CRM."""
    text = id_words(slug)
    return text[:1].upper() + text[1:] if capital else text


def build_charts(
    site: Site, analysis: Any, reuse: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every page's charts. ``reuse``: ``goal:<id>`` / ``path:<id>`` entries of an earlier
    build whose inputs the caller knows are unchanged (``build.py``), taken as they are."""
    old = reuse or {}
    out: dict[str, Any] = {}
    for gid, goal in site.goals.items():
        key = f"goal:{gid}"
        out[key] = old[key] if key in old else goal_charts(site, goal, analysis)
    for pid, path in site.paths.items():
        key = f"path:{pid}"
        out[key] = old[key] if key in old else path_charts(site, path, analysis)
    out["timeline"] = site_timeline(site, analysis)
    out["skills"] = skills_heatmap(analysis.skills, site)
    return out


# ---------------------------------------------------------------- goal page


def goal_charts(site: Site, goal: Goal, analysis: Any) -> dict[str, ch.ChartSpec]:
    ga = analysis.goals[goal.meta.id]
    charts: dict[str, ch.ChartSpec] = {}
    kpi = kpi_chart(site, goal, ga, analysis.period)
    if kpi is not None:
        charts["kpi"] = kpi
    impact = impact_chart(site, goal, ga)
    if impact is not None:
        charts["impact"] = impact
    gaps = gap_chart(site, goal, ga, analysis.period)
    if gaps is not None:
        charts["gap"] = gaps
    funnel = funnel_chart(ga.learning, site)
    if funnel is not None:
        charts["funnel"] = funnel
    for i, panel in enumerate(leading_charts(ga.leading, analysis.period)):
        charts["leading" if i == 0 else f"leading-{i + 1}"] = panel
    gaps = [g for g in analysis.skills if goal.meta.id in getattr(g, "goals", ())]
    skills = skills_heatmap(gaps, site) if gaps else None
    if skills is not None:
        charts["skills"] = skills
    return charts


def _series_name(site: Site, goal: Goal, group: str) -> str:
    if group == goal.meta.kpi.group:
        return group if group else "Organisation"
    found = site.cohort(group)
    if found:
        return found[1].label
    for p in site.paths.values():
        for c in p.meta.cohorts:
            if c.kpi_group == group:
                return c.label
    if group == goal.meta.monitoring.control_group:
        return f"{_words(group, capital=True)} (comparison)"
    return _words(group, capital=True)


def kpi_chart(site: Site, goal: Goal, ga: Any, period: str) -> ch.ChartSpec | None:
    p = ga.progress
    k = goal.meta.kpi
    series_rows: list[dict[str, Any]] = []
    for order, (group, s) in enumerate(ga.series_by_group.items()):
        name = _series_name(site, goal, group)
        for ts, v in s.items():
            series_rows.append(
                {
                    "date": _d(ts),
                    "value": float(v),
                    "series": name,
                    "label": _label(ts, period),
                    "order": order,
                }
            )
    if not series_rows:
        return None
    expected = [{"date": d, "value": v} for d, v in (p.expected_path or [])]
    forecast: list[dict[str, Any]] = []
    if p.forecast is not None and p.current_period is not None and p.current is not None:
        forecast = [
            {"date": p.current_period, "value": p.current, "low": p.current, "high": p.current},
            {
                "date": p.forecast.date,
                "value": p.forecast.value,
                "low": p.forecast.low,
                "high": p.forecast.high,
            },
        ]
    line_order = {group: i for i, group in enumerate(ga.series_by_group)}
    training = []
    for pid in goal.paths:
        path = site.paths[pid]
        for c in path.meta.cohorts:
            line = line_order.get(c.kpi_group)
            training.append(
                {
                    "date": c.start,
                    "end": path.cohort_end(c),
                    "label": f"{c.label} training",
                    "short": c.label,
                    "stagger": len(training) % 2,
                    "colour": ch.NO_SERIES_COLOUR
                    if line is None
                    else ch.SERIES_COLOURS[line % len(ch.SERIES_COLOURS)],
                }
            )
    refs = []
    if p.baseline is not None:
        refs.append(
            {"value": p.baseline, "kind": "Baseline", "label": f"Baseline {ch._fmt(p.baseline)}"}
        )
    refs.append(
        {"value": k.target.value, "kind": "Target", "label": f"Target {ch._fmt(k.target.value)}"}
    )
    return ch.kpi_chart(
        series=series_rows,
        expected=expected,
        forecast=forecast,
        training=training,
        refs=refs,
        summary=p.summary,
        unit=k.unit,
        title=_words(k.label, capital=True) + (f" ({k.unit})" if k.unit else ""),
    )


def _window_mean(series: Any, window: tuple[dt.date, dt.date] | None) -> tuple[float, int] | None:
    if series is None or window is None:
        return None
    import pandas as pd

    part = series[
        (series.index >= pd.Timestamp(window[0])) & (series.index <= pd.Timestamp(window[1]))
    ]
    part = part.dropna()
    return (float(part.mean()), len(part)) if len(part) else None


def impact_chart(site: Site, goal: Goal, ga: Any) -> ch.ChartSpec | None:
    """Before/after group means (the slope the estimate rests on) beside a forest plot."""
    estimates = [i for i in ga.impacts if i.estimate is not None]
    if not estimates:
        return None
    means: list[dict[str, Any]] = []
    rows = []
    for imp in estimates:
        found = site.cohort(imp.cohort)
        cohort = found[1] if found else None
        label = cohort.label if cohort else imp.cohort
        rows.append(
            {
                "cohort": label,
                "method": "Difference-in-differences"
                if imp.method == "did"
                else "Interrupted time series",
                "estimate": imp.estimate,
                "ci_low": imp.ci_low,
                "ci_high": imp.ci_high,
                "evidence": imp.evidence,
            }
        )
        groups = [(cohort.kpi_group if cohort else imp.cohort, f"{label} (trained)")]
        if imp.comparison:
            groups.append((imp.comparison, f"{_series_name(site, goal, imp.comparison)}"))
        for group_key, name in groups:
            series = ga.series_by_group.get(group_key)
            for window_name, window in (
                ("Before training", imp.pre_window),
                ("After training", imp.post_window),
            ):
                m = _window_mean(series, window)
                if m is not None:
                    means.append(
                        {
                            "group": name,
                            "window": window_name,
                            "value": m[0],
                            "n": m[1],
                            "panel": label,
                        }
                    )
    summary = " ".join(i.summary for i in estimates)
    return ch.impact_chart(means=means, estimates=rows, summary=summary, unit=goal.meta.kpi.unit)


def gap_chart(site: Site, goal: Goal, ga: Any, period: str) -> ch.ChartSpec | None:
    """Each DiD cohort's trained-minus-comparison gap per period, centred on its average
    before training, with the estimated effect over the post window."""
    import pandas as pd

    from ..analysis.periods import period_end

    gaps: list[dict[str, Any]] = []
    effects: list[dict[str, Any]] = []
    for imp in ga.impacts:
        if imp.method != "did" or imp.ci_low is None or not imp.pre_window or not imp.post_window:
            continue
        found = site.cohort(imp.cohort)
        if found is None:
            continue
        cohort = found[1]
        treated = ga.series_by_group.get(cohort.kpi_group)
        comparison = ga.series_by_group.get(imp.comparison)
        if treated is None or comparison is None:
            continue
        d = (treated - comparison).dropna()
        pre = d[
            (d.index >= pd.Timestamp(imp.pre_window[0]))
            & (d.index <= pd.Timestamp(imp.pre_window[1]))
        ]
        post = d[
            (d.index >= pd.Timestamp(imp.post_window[0]))
            & (d.index <= pd.Timestamp(imp.post_window[1]))
        ]
        if pre.empty or post.empty:
            continue
        base = float(pre.mean())
        for window, part in (("Before training", pre), ("After training", post)):
            for ts, v in part.items():
                gaps.append(
                    {
                        "date": _d(ts),
                        "gap": float(v) - base,
                        "window": window,
                        "cohort": cohort.label,
                        "label": _label(ts, period),
                    }
                )
        effects.append(
            {
                "date": imp.post_window[0],
                "end": period_end(imp.post_window[1], period).date(),
                "estimate": imp.estimate,
                "ci_low": imp.ci_low,
                "ci_high": imp.ci_high,
                "cohort": cohort.label,
            }
        )
    if not gaps:
        return None
    summary = (
        "Each point is the trained group's KPI less the comparison's in one period, against "
        "its average before training: before training (circles) it should stay near 0 if "
        "the groups moved in parallel; after it (diamonds), the band is the estimated "
        "effect with its 95% interval."
    )
    return ch.gap_chart(gaps=gaps, effects=effects, summary=summary, unit=goal.meta.kpi.unit)


def funnel_chart(learning: dict[str, Any], site: Site) -> ch.ChartSpec | None:
    rows: list[dict[str, Any]] = []
    table_rows: list[list[str]] = []
    hidden = []
    for cohort_id, f in learning.items():
        found = site.cohort(cohort_id)
        name = found[1].label if found else cohort_id
        if getattr(f, "suppressed", False):
            hidden.append(name)
            table_rows.append([name, "hidden (fewer than the privacy minimum)", "", "", ""])
            continue
        if not f.enrolled:
            continue
        counts = (f.enrolled, f.started, f.completed, f.passed)
        for stage, n in zip(STAGES, counts, strict=True):
            rows.append(
                {
                    "cohort": name,
                    "stage": stage,
                    "count": n,
                    "rate": f"{n / f.enrolled:.0%}" if f.enrolled else "",
                }
            )
        table_rows.append([name, *(str(n) for n in counts)])
    if not rows:
        return None
    parts = []
    for cohort_id, f in learning.items():
        if getattr(f, "suppressed", False) or not f.enrolled:
            continue
        found = site.cohort(cohort_id)
        name = found[1].label if found else cohort_id
        parts.append(
            f"{name}: {f.completed} of {f.enrolled} completed ({f.completed / f.enrolled:.0%})"
        )
    summary = "; ".join(parts) + "."
    if hidden:
        summary += f" Hidden for privacy: {', '.join(hidden)}."
    return ch.funnel_chart(
        rows,
        summary=summary,
        table=ch.Table(["Cohort", *STAGES], table_rows),
    )


def leading_charts(leading: Any, period: str) -> list[ch.ChartSpec]:
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
                {"date": _d(ts), "label": _label(ts, period), "indicator": line, "value": float(v)}
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
        out.append(ch.leading_chart(rows, summary=summary, title=panel, domain=domain, zero=shares))
    return out


# ---------------------------------------------------------------- skills


def skills_heatmap(gaps: list[Any], site: Site) -> ch.ChartSpec | None:
    """Required against current level per skill and target group, biggest gaps first."""
    rank: dict[str, int] = {}
    for g in gaps:  # ``gaps`` come biggest first (analysis.skills.skills_gaps)
        rank.setdefault(_words(g.skill), len(rank))
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
                "group": _words(g.group) if g.group else "everyone",
                "group_order": groups.index(g.group),
                "skill": _words(g.skill),
                "rank": rank[_words(g.skill)],
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
    return ch.skills_chart(rows, summary=summary)


# ---------------------------------------------------------------- timelines


def _activity_rows(site: Site, paths: list[LearningPath], analysis: Any) -> list[dict[str, Any]]:
    """One row per scheduled activity of every cohort, with the share of the cohort who
    completed it (None: no learning data for the cohort, e.g. it has not started)."""
    rows = []
    order = 0
    for path in paths:
        pa = analysis.paths.get(path.meta.id)
        for c in path.meta.cohorts:
            row = f"{path.meta.title} · {c.label}" if len(paths) > 1 else c.label
            done = (getattr(pa, "activity_completion", None) or {}).get(c.id, {}) if pa else {}
            for s in path.schedule(c):
                share = done.get(s.activity.id)
                rows.append(
                    {
                        "row": row,
                        "order": order,
                        "title": s.activity.title,
                        "kind": s.activity.kind,
                        "start": s.start,
                        "end": s.end + dt.timedelta(days=1),
                        "share": None if share is None else max(0.0, min(1.0, float(share))),
                        "completion": "–" if share is None else f"{share:.0%}",
                    }
                )
            order += 1
    return rows


def _markers(goals: list[Goal], as_of: dt.date | None) -> list[dict[str, Any]]:
    """The as-of line, and each goal's deadline and milestones."""
    out: list[dict[str, Any]] = []
    if as_of is not None:
        out.append({"date": as_of, "kind": "As of", "label": f"As of {_day(as_of)}"})
    for g in goals:
        out.append({"date": g.deadline, "kind": "Deadline", "label": f"Deadline: {g.meta.title}"})
        for m in g.meta.kpi.milestones:
            out.append({"date": m.date, "kind": "Milestone", "label": f"Milestone: {g.meta.title}"})
    return out


_SHADING = (
    " The pale bar is the plan; its solid part is the share of the cohort who completed "
    "the activity (from the learning data)."
)


def site_timeline(site: Site, analysis: Any) -> ch.ChartSpec | None:
    paths = list(site.paths.values())
    rows = _activity_rows(site, paths, analysis)
    if not rows:
        return None
    markers = _markers(list(site.goals.values()), _d(analysis.as_of))
    first = min(r["start"] for r in rows)
    last = max(r["end"] for r in rows) - dt.timedelta(days=1)
    cohorts = sum(len(p.meta.cohorts) for p in paths)
    summary = (
        f"{len(paths)} learning {'path' if len(paths) == 1 else 'paths'}, {cohorts} "
        f"{'cohort' if cohorts == 1 else 'cohorts'}, training from {_day(first)} to "
        f"{_day(last)}; lines mark the data's as-of date, goal deadlines and milestones." + _SHADING
    )
    return ch.timeline_chart(rows, markers, summary=summary, title="All learning on one calendar")


def path_charts(site: Site, path: LearningPath, analysis: Any) -> dict[str, ch.ChartSpec]:
    rows = _activity_rows(site, [path], analysis)
    markers = _markers([site.goals[g] for g in path.goals if g in site.goals], _d(analysis.as_of))
    out: dict[str, ch.ChartSpec] = {}
    if rows:
        summary = (
            "; ".join(
                f"{c.label}: {_day(c.start)} – {_day(path.cohort_end(c))}"
                for c in path.meta.cohorts
            )
            + "."
            + _SHADING
        )
        out["timeline"] = ch.timeline_chart(
            rows, markers, summary=summary, title="Schedule by cohort"
        )
    pa = analysis.paths.get(path.meta.id)
    if pa is not None:
        funnel = funnel_chart(pa.funnels, site)
        if funnel is not None:
            out["funnel"] = funnel
    return out
