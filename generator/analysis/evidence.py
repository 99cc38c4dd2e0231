"""The chain of evidence for one goal: Kirkpatrick's levels plus Phillips' inputs and ROI.

Levels, in order: 0 Inputs (people, hours, cost), 1 Reaction (share who reflected,
a proxy for engagement), 2 Learning (completion, pass rate, mean score), 3 Behaviour
(leading indicators that are KPI metrics: change since training started), 4 Results
(the impact estimate, else progress alone), 5 ROI. Each level gets a strength:
strong, moderate, weak or none (no data).

The weakest link: a level claims success when it is strong or moderate (Learning and
up; inputs and reaction are effort, not success). Reading from Results down, the first
weak/absent level below a level that claims success breaks the chain ("the KPI moved
but nobody learned"); failing that, reading from Learning up, the first weak/absent
level above one that claims success ("high completion but no behaviour data").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ..dates import period_end
from ..model.schema import GoalMeta, PathMeta
from ..text import count, p_text
from .learning import Funnel
from .progress import GoalProgress

if TYPE_CHECKING:
    from .impact import ImpactEstimate
    from .roi import RoiEstimate

Strength = Literal["strong", "moderate", "weak", "none"]
LEVELS: tuple[tuple[str, str], ...] = (
    ("inputs", "Inputs"),
    ("reaction", "Reaction"),
    ("learning", "Learning"),
    ("behaviour", "Behaviour"),
    ("results", "Results"),
    ("roi", "ROI"),
)
"""(key, name) per level; the position is the level number (0–5)."""
NO_PATH_SENTENCE = (
    "No learning path is linked to this goal, so there is no chain from training to results."
)
"""The verdict for a goal that no training serves."""
_CLAIMS = ("learning", "behaviour", "results", "roi")
_BREAKS = ("inputs", "learning", "behaviour", "results")


@dataclass(frozen=True)
class EvidenceLevel:
    """One level of the chain."""

    level: int
    """0 Inputs · 1 Reaction · 2 Learning · 3 Behaviour · 4 Results · 5 ROI."""
    key: str
    """inputs, reaction, learning, behaviour, results or roi."""
    name: str
    """The level's name for display."""
    value_text: str
    """The level's figures in a few words, or ``no data``."""
    strength: Strength
    """strong, moderate, weak or none (no data)."""
    detail: str
    """What the figures mean and where they come from."""
    headline: str
    """A short phrase used in the weakest-link sentence, e.g. ``High completion (92%)``."""


@dataclass(frozen=True)
class EvidenceChain:
    """All levels of one goal and where the chain breaks."""

    levels: tuple[EvidenceLevel, ...]
    """Inputs → ROI, in order."""
    weakest: EvidenceLevel | None
    """The level where the chain breaks; None when every level holds."""
    sentence: str
    """The verdict in one sentence."""


@dataclass(frozen=True)
class BehaviourSignal:
    """A KPI-metric leading indicator before and after training started."""

    metric: str
    """The metric's name."""
    before: float
    """Mean of the periods that ended before training started."""
    after: float
    """Mean of the periods that started on or after training start."""
    n_pre: int
    """Periods before."""
    n_post: int
    """Periods after."""
    p_value: float | None
    """p-value of the change: the indicator's difference-in-differences headline when its
    cohorts' groups and a comparison have the data, else the level change against its
    own earlier trend (interrupted time series); None with too few periods: a trending
    indicator is not a behaviour change."""
    direction: str | None = None
    """increase or decrease: which way the behaviour should move (None: not declared)."""
    method: str | None = None
    """did or its: the design behind ``change`` (None without an estimate)."""
    change: float | None = None
    """The estimated change in the indicator's units."""
    ci_low: float | None = None
    """Lower end of the change's 95% interval."""
    ci_high: float | None = None
    """Upper end of the change's 95% interval."""
    evidence: str | None = None
    """The estimate's evidence grade (as for the KPI's impact)."""

    @property
    def right_way(self) -> bool | None:
        """Whether the change went the declared way (None: no direction or no change)."""
        if self.direction is None or self.change is None or self.change == 0:
            return None
        return (self.change > 0) == (self.direction == "increase")


def _pct(v: float) -> str:
    return f"{v:.0%}"


def _num(v: float) -> str:
    if not math.isfinite(v):
        return str(v)
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def _signed(v: float) -> str:
    return f"{v:+.3g}".replace("-", "−")


def behaviour_signal(
    s: pd.Series,
    metric: str,
    start: dt.date,
    period: str = "month",
    *,
    direction: str | None = None,
    headline: ImpactEstimate | None = None,
) -> BehaviourSignal | None:
    """Periods ending before ``start`` vs. periods starting on or after it (the period
    holding ``start`` is left out); None without data on both sides.

    The means are what the page shows; the change, its interval and p-value come from
    ``headline`` (the indicator's own impact headline, ``impact.headline_impact``) when
    it has an interval, else from the level change against the pre-training trend
    (``impact.estimate_its``): a before/after t-test called a steadily trending
    indicator with no change "strong" 68% of the time.
    """
    from .impact import estimate_its

    s = s.dropna()
    ends = np.array([period_end(ts, period).date() < start for ts in s.index], dtype=bool)
    after = np.array([ts.date() >= start for ts in s.index], dtype=bool)
    pre = s[ends].to_numpy(dtype=np.float64) if len(s) else np.array([], dtype=np.float64)
    post = s[after].to_numpy(dtype=np.float64) if len(s) else np.array([], dtype=np.float64)
    if len(pre) == 0 or len(post) == 0:
        return None
    last_pre = period_end(s[ends].index[-1], period).date()
    its = estimate_its(
        s[ends | after],
        cohort=metric,
        train_start=last_pre + dt.timedelta(days=1),
        train_end=start - dt.timedelta(days=1)
        if start > last_pre + dt.timedelta(days=1)
        else last_pre + dt.timedelta(days=1),
        period=period,
    )
    est = headline if headline is not None and headline.ci_low is not None else its
    known = est.method in ("did", "its") and est.estimate is not None
    return BehaviourSignal(
        metric,
        float(pre.mean()),
        float(post.mean()),
        len(pre),
        len(post),
        est.p_value if known else None,
        direction=direction,
        method=est.method if known else None,
        change=est.estimate if known else None,
        ci_low=est.ci_low if known else None,
        ci_high=est.ci_high if known else None,
        evidence=est.evidence if known else None,
    )


def _level(i: int, value: str, strength: Strength, detail: str, headline: str) -> EvidenceLevel:
    key, name = LEVELS[i]
    return EvidenceLevel(i, key, name, value, strength, detail, headline)


def _inputs(goal: GoalMeta, paths: Sequence[PathMeta], funnel: Funnel | None) -> EvidenceLevel:
    hours = sum(a.hours or 0.0 for p in paths for a in p.activities)
    sizes = [c.size for p in paths for c in p.cohorts if c.size is not None]
    enrolled = funnel.enrolled if funnel is not None and not funnel.suppressed else None
    people = enrolled if enrolled else (sum(sizes) if sizes else None)
    parts: list[str] = []
    if enrolled:
        parts.append(f"{enrolled} people enrolled")
    elif sizes:
        parts.append(f"{sum(sizes)} people planned")
    if hours and people:
        parts.append(f"{_num(hours * people)} planned hours")
    if goal.costs is not None and goal.costs.total > 0:
        parts.append(f"{goal.costs.currency} {_num(goal.costs.total)}")
    if not paths:
        return _level(0, "no data", "none", "No learning path is linked.", "No training planned")
    strength: Strength = "strong" if enrolled and hours else "moderate" if parts else "none"
    detail = (
        f"{count(len(paths), 'path')}, {_num(hours)} hours per person"
        + (f" × {people} people" if people else "")
        + "."
    )
    return _level(0, " · ".join(parts) or "no data", strength, detail, parts[0] if parts else "")


def _reaction(funnel: Funnel | None) -> EvidenceLevel:
    r = funnel.reflection_rate if funnel is not None else None
    if r is None or not funnel or not funnel.reflections:
        return _level(1, "no data", "none", "No reflections recorded.", "no reaction data")
    strength: Strength = "strong" if r.value >= 0.5 else "moderate" if r.value >= 0.25 else "weak"
    return _level(
        1,
        f"{_pct(r.value)} reflected ({funnel.reflections} reflections)",
        strength,
        "Share of enrolled learners who answered a reflection prompt: a proxy for engagement.",
        f"{_pct(r.value)} reflected",
    )


def _learning(funnel: Funnel | None) -> EvidenceLevel:
    if funnel is None or funnel.suppressed or not funnel.enrolled:
        why = "hidden: too few learners" if funnel is not None and funnel.suppressed else "no data"
        return _level(
            2, why, "none", "No learning records for the linked paths.", "no learning data"
        )
    c, p = funnel.completion_rate, funnel.pass_rate
    assert c is not None and p is not None
    parts = [f"completion {_pct(c.value)}", f"pass rate {_pct(p.value)}"]
    if funnel.mean_score is not None:
        parts.append(f"mean score {funnel.mean_score:.0f}")
    strength: Strength = "strong" if p.value >= 0.7 else "moderate" if p.value >= 0.4 else "weak"
    head = f"High completion ({_pct(c.value)})" if c.value >= 0.8 else f"Completion {_pct(c.value)}"
    detail = (
        f"{funnel.passed} of {funnel.enrolled} enrolled passed "
        f"(95% interval {_pct(p.low)}–{_pct(p.high)})."
    )
    return _level(2, ", ".join(parts).capitalize(), strength, detail, head)


def _behaviour(signals: Sequence[BehaviourSignal]) -> EvidenceLevel:
    if not signals:
        return _level(
            3,
            "no data",
            "none",
            "No leading indicator is a KPI metric with data before and after training.",
            "no behaviour data",
        )
    rated = sorted(signals, key=lambda s: _RANK[_signal_strength(s)])
    strength = _signal_strength(rated[0])
    texts = []
    for s in signals:
        verb = "rose" if s.after > s.before else "fell" if s.after < s.before else "held"
        change = ""
        if s.change is not None and s.ci_low is not None and s.ci_high is not None:
            design = (
                f"trained groups {_signed(s.change)} relative to the comparison"
                if s.method == "did"
                else f"{_signed(s.change)} against the earlier trend"
            )
            change = f" ({design}, 95% CI {_signed(s.ci_low)} to {_signed(s.ci_high)}"
            change += "" if s.p_value is None else f", {p_text(s.p_value)}"
            change += ")"
        way = ""
        if s.right_way is False and _clear(s):
            way = ", the wrong way"
        elif s.direction is None and s.change is not None:
            way = ", direction not declared"
        texts.append(
            f"{s.metric.replace('_', ' ')} {verb} from {_num(s.before)} to "
            f"{_num(s.after)}{change}{way}"
        )
    head = texts[0][0].upper() + texts[0][1:]
    return _level(
        3,
        "; ".join(texts),
        strength,
        "Mean per period before vs. after training started. The change and its p come "
        "from the same design as the KPI's impact (against the comparison group, else "
        "against the indicator's earlier trend), and count only in the declared direction "
        "(leading_indicators: {metric, direction}); without one, at most moderate.",
        head,
    )


_RANK: dict[str, int] = {"strong": 0, "moderate": 1, "weak": 2, "none": 3}


def _clear(s: BehaviourSignal) -> bool:
    """The change's interval excludes 0."""
    return s.ci_low is not None and s.ci_high is not None and s.ci_low * s.ci_high > 0


def _signal_strength(s: BehaviourSignal) -> Strength:
    """strong: a clear change (the interval excludes 0) the declared way, from a design
    the KPI's impact would call strong (against a comparison, parallel trends holding);
    moderate: a clear change the declared way from a weaker design (against the
    indicator's own earlier trend), some sign the declared way (p < 0.2), or a clear
    change with no direction declared; weak otherwise, the wrong way included."""
    if s.change is None or s.p_value is None or s.right_way is False:
        return "weak"
    clear = _clear(s)
    if s.right_way is None:
        return "moderate" if clear else "weak"
    if clear and s.evidence == "strong":
        return "strong"
    return "moderate" if clear or s.p_value < 0.2 else "weak"


def _results(
    goal: GoalMeta, impact: ImpactEstimate | None, progress: GoalProgress
) -> EvidenceLevel:
    unit = f" {goal.kpi.unit}" if goal.kpi.unit else ""
    est = impact.estimate if impact is not None else None
    if impact is not None and est is not None:
        sign = 1.0 if goal.kpi.direction == "increase" else -1.0
        lo, hi = impact.ci_low, impact.ci_high
        good = sign * est > 0
        clear = lo is not None and hi is not None and sign * lo > 0 and sign * hi > 0
        method = (
            "Difference-in-differences" if impact.method == "did" else "Interrupted time series"
        )
        strength: Strength = "weak"
        if good and clear and impact.evidence in ("strong", "moderate"):
            strength = "strong" if impact.evidence == "strong" else "moderate"
        ci = (
            f" (95% CI {_signed(lo)} to {_signed(hi)})" if lo is not None and hi is not None else ""
        )
        word = "improved" if good else "did not improve"
        return _level(
            4,
            f"{method}: {_signed(est)}{unit}{ci}",
            strength,
            f"{impact.summary} Evidence: {impact.evidence}.",
            f"The KPI {word} against the comparison ({_signed(est)}{unit}, {impact.evidence} "
            "evidence)",
        )
    if progress.status in ("no-data", "stale", "not-started"):
        why = {"no-data": "No KPI data yet.", "stale": "The KPI data is out of date."}
        detail = why.get(progress.status, "Training has not started, or the KPI has not moved.")
        return _level(4, progress.status_label, "none", detail, "no results yet")
    way = progress.progress
    pct = "" if way is None else f"{way:.0%} of the way" if way >= 0 else "moving away"
    return _level(
        4,
        ", ".join(x for x in (progress.status_label, pct) if x),
        "weak",
        "Progress alone: without a comparison group the change cannot be attributed to training.",
        f"The KPI is {progress.status_label.lower()}",
    )


def _roi(roi: RoiEstimate | None, impact: ImpactEstimate | None, goal: GoalMeta) -> EvidenceLevel:
    if roi is None or getattr(roi, "roi_pct", None) is None:
        need = []
        if goal.costs is None or goal.costs.total <= 0:
            need.append("costs")
        if goal.benefit_per_unit is None:
            need.append("benefit_per_unit")
        if impact is None:
            need.append("an impact estimate")
        listed = (
            ", ".join(need[:-1]) + (" and " if len(need) > 1 else "") + need[-1] if need else ""
        )
        why = f"Needs {listed}." if need else "Not computed."
        return _level(5, "not computed", "none", why, "no ROI")
    low, high = roi.roi_low, roi.roi_high
    strength: Strength = (
        "strong" if low is not None and low > 0 else "moderate" if roi.roi_pct > 0 else "weak"
    )
    band = f" ({low:.0f}% to {high:.0f}%)" if low is not None and high is not None else ""
    return _level(
        5,
        f"ROI {roi.roi_pct:.0f}%{band}",
        strength,
        " ".join(getattr(roi, "assumptions", ()) or ()) or "Phillips ROI.",
        f"ROI of {roi.roi_pct:.0f}%",
    )


def _weak(level: EvidenceLevel) -> bool:
    return level.strength in ("none", "weak")


def _problem(level: EvidenceLevel) -> str:
    if level.strength == "none":
        return f"no {level.name.lower()} data" if level.key != "roi" else "no ROI"
    return f"weak {level.name.lower()} evidence ({level.value_text})"


def weakest_link(levels: Sequence[EvidenceLevel]) -> tuple[EvidenceLevel | None, str]:
    """Where the chain breaks and the sentence that says so (rules in the module docstring)."""
    by_key = {lv.key: lv for lv in levels}
    claims = [by_key[k] for k in _CLAIMS if k in by_key and not _weak(by_key[k])]
    breaks = [by_key[k] for k in _BREAKS if k in by_key]
    for lv in reversed(breaks):  # results down
        above = [c for c in claims if c.level > lv.level]
        if _weak(lv) and above:
            return (
                lv,
                f"{above[0].headline} but {_problem(lv)}: the chain breaks at {lv.name.lower()}.",
            )
    for lv in breaks:  # learning up
        below = [c for c in claims if c.level < lv.level]
        if _weak(lv) and below:
            return (
                lv,
                f"{below[-1].headline} but {_problem(lv)}: the chain breaks at {lv.name.lower()}.",
            )
    gaps = [lv for lv in breaks if _weak(lv)]
    if not claims and gaps:
        first = gaps[0]
        return (
            first,
            f"No level shows the training working yet; the first gap is {_problem(first)}.",
        )
    return None, "Every level of the chain holds up."


def evidence_chain(
    goal: GoalMeta,
    *,
    paths: Sequence[PathMeta],
    funnel: Funnel | None,
    behaviour: Sequence[BehaviourSignal],
    impact: ImpactEstimate | None,
    progress: GoalProgress,
    roi: RoiEstimate | None,
) -> EvidenceChain:
    """The six levels for ``goal`` and the weakest link.

    ``funnel`` is the goal's learners over all its paths; ``impact`` the best
    :class:`~generator.analysis.impact.ImpactEstimate` (or None); ``roi`` its
    :class:`~generator.analysis.roi.RoiEstimate` (or None).
    """
    levels = (
        _inputs(goal, paths, funnel),
        _reaction(funnel),
        _learning(funnel),
        _behaviour(behaviour),
        _results(goal, impact, progress),
        _roi(roi, impact, goal),
    )
    if not paths:
        return EvidenceChain(levels, None, NO_PATH_SENTENCE)
    weakest, sentence = weakest_link(levels)
    return EvidenceChain(levels, weakest, sentence)
