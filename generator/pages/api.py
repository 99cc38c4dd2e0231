"""Machine-readable output: ``api/goals.json`` and ``api/goals.csv`` (documented in docs/api.md).

Pure: analysis results → JSON-able dicts and CSV text. No learner id can appear:
learning figures are counts per cohort, suppressed below the privacy threshold.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import TYPE_CHECKING, Any

from ..model.schema import Kpi
from ..model.site import Goal, Site
from ..text import stable_floats

if TYPE_CHECKING:
    from ..analysis.impact import ImpactEstimate
    from ..analysis.learning import Funnel
    from ..analysis.progress import GoalProgress
    from ..analysis.roi import RoiEstimate
    from ..analysis.site import GoalAnalysis, SiteAnalysis


def _num(v: Any) -> float | int | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    return int(f) if isinstance(v, int) else round(f, 6)


def date_text(v: Any) -> str | None:
    """A date as the API writes it: ``2026-10-31``."""
    if v is None:
        return None
    return v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)


def impact_json(imp: ImpactEstimate) -> dict[str, Any]:
    return {
        "cohort": imp.cohort,
        "method": imp.method,
        "comparison": imp.comparison,
        "estimate": _num(imp.estimate),
        "ci_low": _num(imp.ci_low),
        "ci_high": _num(imp.ci_high),
        "p_value": _num(imp.p_value),
        "n_pre": imp.n_pre,
        "n_post": imp.n_post,
        "pre_window": [date_text(d) for d in imp.pre_window] if imp.pre_window else None,
        "post_window": [date_text(d) for d in imp.post_window] if imp.post_window else None,
        "parallel_trends_ok": imp.parallel_ok,
        "parallel_trends_p": _num(imp.parallel_trend_p),
        "trend_adjusted": {
            "estimate": _num(imp.trend_estimate),
            "ci_low": _num(imp.trend_ci_low),
            "ci_high": _num(imp.trend_ci_high),
        }
        if imp.trend_ci_low is not None
        else None,
        "autocorrelation": _num(imp.autocorrelation),
        "evidence": imp.evidence,
        "summary": imp.summary,
        "caveats": list(imp.caveats),
    }


def funnel_json(f: Funnel) -> dict[str, Any]:
    if getattr(f, "suppressed", False):
        return {"suppressed": True}
    return {
        "enrolled": f.enrolled,
        "started": f.started,
        "completed": f.completed,
        "passed": f.passed,
        "completion_rate": _num(f.completion_rate.value) if f.completion_rate else None,
        "pass_rate": _num(f.pass_rate.value) if f.pass_rate else None,
        "mean_score": _num(f.mean_score),
    }


def roi_json(roi: RoiEstimate | None) -> dict[str, Any] | None:
    if roi is None:
        return None
    return {
        "roi_pct": _num(roi.roi_pct),
        "roi_low": _num(roi.roi_low),
        "roi_high": _num(roi.roi_high),
        "benefit": _num(roi.benefit),
        "benefit_low": _num(roi.benefit_low),
        "benefit_high": _num(roi.benefit_high),
        "cost": _num(roi.cost),
        "currency": roi.currency,
        "assumptions": list(roi.assumptions),
    }


def _kpi_json(k: Kpi, p: GoalProgress) -> dict[str, Any]:
    """One KPI's figures, as its own analysis gives them."""
    return {
        "metric": k.metric,
        "unit": k.unit,
        "direction": k.direction,
        "baseline": _num(p.baseline),
        "target": _num(k.target.value),
        "current": _num(p.current),
        "current_period": date_text(p.current_period),
        "level": _num(p.level),
        "level_low": _num(p.level_low),
        "level_high": _num(p.level_high),
        "level_periods": p.level_periods,
        "progress": _num(p.progress),
        "expected_progress": _num(p.expected_progress),
        "status_range": list(p.status_range) if p.status_range else None,
        "forecast": _num(p.forecast.value) if p.forecast else None,
        "forecast_low": _num(p.forecast.low) if p.forecast else None,
        "forecast_high": _num(p.forecast.high) if p.forecast else None,
    }


def _key_results_json(goal: Goal, ga: GoalAnalysis) -> list[dict[str, Any]]:
    """Every key result with its weight, deadline, status and headline impact; a goal
    with one ``kpi`` has one."""
    if not ga.key_results:
        k = goal.meta.kpi
        parts = [(k, 1.0, ga)]
    else:
        parts = [(kr.kpi, kr.kpi.weight, kr.analysis) for kr in ga.key_results]
    return [
        {
            "name": k.label,
            "weight": weight,
            "deadline": date_text(k.target.date),
            "status": a.progress.status,
            **_kpi_json(k, a.progress),
            "impact": impact_json(a.best_impact) if a.best_impact is not None else None,
        }
        for k, weight, a in parts
    ]


def goals_json(site: Site, analysis: SiteAnalysis) -> list[dict[str, Any]]:
    return [
        goal_json(goal, analysis.goals[gid], analysis.as_of) for gid, goal in site.goals.items()
    ]


def goal_json(goal: Goal, ga: GoalAnalysis, as_of: Any) -> dict[str, Any]:
    """One goal's record in ``api/goals.json``."""
    p = ga.progress
    k = goal.meta.kpi
    gid = goal.meta.id
    headline = ga.key_results[0].analysis.progress if ga.key_results else p
    best = ga.best_impact
    return {
        "id": gid,
        "title": goal.meta.title,
        "owner": goal.meta.owner,
        "department": goal.meta.department,
        "parent": goal.meta.parent,
        "status": p.status,
        "as_of": date_text(as_of),
        "deadline": date_text(goal.deadline),
        "progress": _num(p.progress),
        "expected_progress": _num(p.expected_progress),
        "learning_paths": list(goal.paths),
        "kpi": _kpi_json(k, headline),
        "key_results": _key_results_json(goal, ga),
        "impact": impact_json(best) if best is not None else None,
        "impacts": [impact_json(i) for i in ga.impacts],
        "minimum_detectable_effect": _num(ga.mde),
        "learning": {c: funnel_json(f) for c, f in ga.learning.items()},
        "roi": roi_json(ga.roi),
        "roi_withheld": ga.roi_withheld,
    }


CSV_COLUMNS = [
    "id", "title", "owner", "department", "status", "as_of", "deadline", "metric", "unit",
    "direction", "baseline", "target", "current", "progress", "expected_progress", "forecast",
    "impact_method", "impact_estimate", "impact_ci_low", "impact_ci_high", "impact_evidence",
    "roi_pct", "roi_low", "roi_high",
]  # fmt: skip


def _text_cell(value: Any) -> Any:
    """Author text as a CSV cell a spreadsheet shows as text: a leading ``=``, ``+``,
    ``-``, ``@``, tab or CR would make Excel or LibreOffice run it as a formula, so such
    a value gets a leading ``'`` (the usual defence against CSV formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def goals_csv(goals: list[dict[str, Any]]) -> str:
    return csv_header() + "".join(csv_row(g) for g in goals)


def csv_header() -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(CSV_COLUMNS)
    return buf.getvalue()


def csv_row(g: dict[str, Any]) -> str:
    """One goal's line of ``api/goals.csv``, from its record in ``goals.json``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    k, imp, roi = g["kpi"], g["impact"] or {}, g["roi"] or {}
    writer.writerow(
        stable_floats(
            [
                g["id"],
                _text_cell(g["title"]),
                _text_cell(g["owner"]),
                _text_cell(g["department"]),
                g["status"],
                g["as_of"],
                g["deadline"],
                _text_cell(k["metric"]),
                _text_cell(k["unit"]),
                k["direction"],
                k["baseline"],
                k["target"],
                k["current"],
                g["progress"],
                g["expected_progress"],
                k["forecast"],
                imp.get("method"),
                imp.get("estimate"),
                imp.get("ci_low"),
                imp.get("ci_high"),
                imp.get("evidence"),
                roi.get("roi_pct"),
                roi.get("roi_low"),
                roi.get("roi_high"),
            ]
        )  # fmt: skip
    )
    return buf.getvalue()


def dumps(data: Any) -> str:
    return json.dumps(stable_floats(data), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def record_text(record: dict[str, Any]) -> str:
    """One goal's record as it reads inside ``goals.json`` (:func:`goals_file_text`)."""
    text = json.dumps(stable_floats(record), indent=2, ensure_ascii=False, sort_keys=False)
    return "\n".join("    " + line for line in text.split("\n"))


def goals_file_text(as_of: str | None, records: list[str]) -> str:
    """``api/goals.json`` from its records' texts: byte for byte what :func:`dumps` writes
    of ``{"as_of": …, "goals": [...]}``, so each record can be kept between builds."""
    head = '{\n  "as_of": ' + json.dumps(as_of, ensure_ascii=False) + ',\n  "goals": '
    if not records:
        return head + "[]\n}\n"
    return head + "[\n" + ",\n".join(records) + "\n  ]\n}\n"
