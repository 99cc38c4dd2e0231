"""analysis/site.py (and evidence.py): the whole analysis of a tiny hand-built site."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from generator.analysis.evidence import EvidenceLevel, weakest_link
from generator.analysis.learning import LEADING_COMPLETION, LEADING_SCORE
from generator.analysis.site import SiteAnalysis, analyse_site
from generator.data import Dataset
from generator.model.site import Site
from tests.sitekit import site_from

# ---------------------------------------------------------------- the weakest link


def lv(i: int, key: str, strength: str, headline: str = "", value: str = "x") -> EvidenceLevel:
    return EvidenceLevel(
        i, key, key.capitalize() if key != "roi" else "ROI", value, strength, "", headline
    )  # type: ignore[arg-type]


def chain(**strengths: str) -> list[EvidenceLevel]:
    keys = ["inputs", "reaction", "learning", "behaviour", "results", "roi"]
    heads = {
        "learning": "High completion (92%)",
        "results": "The KPI improved",
        "behaviour": "Near misses rose",
    }
    return [
        lv(i, k, strengths.get(k, "none"), heads.get(k, k), value=f"{k} text")
        for i, k in enumerate(keys)
    ]


def test_weakest_link_high_completion_no_behaviour() -> None:
    weakest, sentence = weakest_link(chain(inputs="strong", learning="strong", results="weak"))
    assert weakest is not None and weakest.key == "behaviour"
    assert sentence == "High completion (92%) but no behaviour data: the chain breaks at behaviour."


def test_weakest_link_result_without_learning() -> None:
    weakest, sentence = weakest_link(
        chain(inputs="strong", learning="weak", behaviour="moderate", results="strong")
    )
    assert weakest is not None and weakest.key == "learning"
    assert sentence == (
        "Near misses rose but weak learning evidence (learning text): the chain breaks at learning."
    )


def test_weakest_link_none_when_every_level_holds_or_nothing_claims() -> None:
    weakest, sentence = weakest_link(
        chain(
            inputs="strong",
            reaction="none",
            learning="strong",
            behaviour="strong",
            results="moderate",
            roi="strong",
        )
    )
    assert weakest is None and sentence == "Every level of the chain holds up."
    weakest, sentence = weakest_link(chain(inputs="moderate"))
    assert weakest is not None and weakest.key == "learning"
    assert sentence == "No level shows the training working yet; the first gap is no learning data."


# ---------------------------------------------------------------- a tiny site

MONTHS = [f"2026-{m:02d}-15" for m in range(1, 11)]  # Jan .. Oct 2026


GOALS = {
    "fewer-errors": {
        "title": "Fewer medication errors",
        "owner": "CNO",
        "target_groups": ["nurses"],
        "kpi": {
            "metric": "errors",
            "unit": "per 1000 doses",
            "direction": "decrease",
            "baseline": {"window": ["2026-01-01", "2026-03-31"]},
            "target": {"value": 3.0, "date": "2026-12-31"},
        },
        "learning_paths": ["safe-med"],
        "skills": {"med-safety": 3, "triage": 2},
        "leading_indicators": ["course_completion", "assessment_score", "near_misses"],
        "monitoring": {"control_group": "ward-c"},
        "costs": {"training": 10000},
        "benefit_per_unit": 2000,
    },
    "later": {
        "title": "Faster onboarding",
        "owner": "HR",
        "kpi": {
            "metric": "onboarding_days",
            "direction": "decrease",
            "baseline": {"value": 30, "date": "2026-01-01"},
            "target": {"value": 20, "date": "2027-12-31"},
            # The plan expects no change before its cohort trains in 2027.
            "milestones": [{"date": "2027-01-31", "value": 30}],
        },
        "learning_paths": ["buddy"],
    },
    "no-metric": {
        "title": "Happier customers",
        "owner": "COO",
        "kpi": {
            "metric": "csat",
            "direction": "increase",
            "target": {"value": 90, "date": "2027-06-30"},
        },
    },
}
PATHS = {
    "safe-med": {
        "title": "Safe medication",
        "cohorts": [
            {"id": "ward-a", "start": "2026-04-06", "size": 6},
            {"id": "ward-b", "start": "2026-09-07", "size": 3},
        ],
        "activities": [
            {
                "id": "course",
                "title": "Course",
                "kind": "course",
                "week": 1,
                "hours": 2,
                "skills": ["med-safety"],
            },
            {"id": "reflect", "title": "Reflect", "kind": "reflection", "week": 2},
            {"id": "exam", "title": "Exam", "kind": "assessment", "week": 4, "pass_score": 70},
        ],
    },
    "buddy": {
        "title": "Buddy programme",
        "cohorts": [{"id": "new-a", "start": "2027-02-01", "group": "site-a", "size": 12}],
        "activities": [{"id": "meet", "title": "Meet", "kind": "coaching", "week": 2, "hours": 1}],
    },
}


def small_site(**config: Any) -> Site:
    """GOALS and PATHS as a validated site (not the ``make_site`` fixture: no files)."""
    return site_from(GOALS, PATHS, **config)


def frame(columns: dict[str, tuple[list[Any], str]]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype=t) for k, (v, t) in columns.items()})


def make_data() -> Dataset:
    rng = np.random.default_rng(7)
    kpi: list[tuple[str, str, float, str]] = []
    for i, day in enumerate(MONTHS):
        noise = rng.normal(0, 0.05, 3)
        a = 4.0 - 0.02 * i + noise[0] - (0.5 if i >= 5 else 0.0)  # ward-a trained Apr–May
        c = 4.2 - 0.02 * i + noise[1]
        b = 3.9 - 0.02 * i + noise[2]
        kpi += [
            (day, "errors", a, "ward-a"),
            (day, "errors", b, "ward-b"),
            (day, "errors", c, "ward-c"),
        ]
        kpi.append((day, "errors", (a + b + c) / 3, ""))
        kpi.append((day, "near_misses", 10.0 + (5.0 if i >= 4 else 0.0) + (i % 2), ""))
        kpi.append((day, "onboarding_days", 30 + 0.1 * i + (i % 3) * 0.2, "site-a"))
    kpis = frame(
        {
            "date": (pd.to_datetime([r[0] for r in kpi]).tolist(), "datetime64[ns]"),
            "metric": ([r[1] for r in kpi], "str"),
            "value": ([r[2] for r in kpi], "float64"),
            "group": ([r[3] for r in kpi], "str"),
        }
    )
    rows: list[tuple[str, str, str, str, str, str, float]] = []
    nan = float("nan")
    for j in range(6):
        who = f"nurse-{j}"
        rows += [
            ("2026-04-06", who, "course", "enrolled", "safe-med", "ward-a", nan),
            ("2026-04-08", who, "course", "completed", "safe-med", "ward-a", nan),
            (
                "2026-05-01",
                who,
                "exam",
                "passed" if j < 5 else "failed",
                "safe-med",
                "ward-a",
                90.0 if j < 5 else 50.0,
            ),
        ]
        if j < 3:
            rows.append(("2026-04-15", who, "reflect", "reflected", "safe-med", "ward-a", nan))
    for j in range(3):
        rows.append(("2026-09-07", f"nurse-b{j}", "course", "enrolled", "safe-med", "ward-b", nan))
    learning = frame(
        {
            "date": (pd.to_datetime([r[0] for r in rows]).tolist(), "datetime64[ns]"),
            "learner": ([r[1] for r in rows], "str"),
            "activity": ([r[2] for r in rows], "str"),
            "verb": ([r[3] for r in rows], "str"),
            "path": ([r[4] for r in rows], "str"),
            "cohort": ([r[5] for r in rows], "str"),
            "score": ([r[6] for r in rows], "float64"),
            "duration_min": ([nan] * len(rows), "float64"),
        }
    )
    people = [(f"n{i}", "med-safety", 1 + i % 2, "nurses", "2026-03-01") for i in range(5)]
    people += [(f"n{i}", "triage", 2, "nurses", "2026-03-01") for i in range(3)]
    skills = frame(
        {
            "person": ([p[0] for p in people], "str"),
            "skill": ([p[1] for p in people], "str"),
            "level": ([p[2] for p in people], "int64"),
            "team": ([p[3] for p in people], "str"),
            "date": (pd.to_datetime([p[4] for p in people]).tolist(), "datetime64[ns]"),
        }
    )
    return Dataset(kpis=kpis, learning=learning, skills=skills, sources={}, fingerprint="test")


@pytest.fixture(scope="module")
def analysis() -> SiteAnalysis:
    return analyse_site(small_site(), make_data())


def test_as_of_and_status_counts(analysis: SiteAnalysis) -> None:
    assert analysis.as_of == dt.date(2026, 10, 15)  # the latest KPI observation
    assert analysis.period == "month"
    assert analysis.goals["no-metric"].progress.status == "no-data"
    assert analysis.goals["later"].progress.status == "not-started"  # its cohort starts in 2027
    assert sum(analysis.status_counts.values()) == 3
    assert analysis.status_counts["no-data"] == 1
    fixed = analyse_site(small_site(as_of=dt.date(2026, 6, 30)), make_data())
    assert fixed.as_of == dt.date(2026, 6, 30)
    assert fixed.goals["fewer-errors"].progress.current_period == dt.date(2026, 6, 1)


def test_goal_progress_series_and_impact(analysis: SiteAnalysis) -> None:
    ga = analysis.goals["fewer-errors"]
    p = ga.progress
    org = make_data().kpis.query("metric == 'errors' and group == ''")["value"].to_numpy()
    assert p.baseline == pytest.approx(org[:3].mean())
    assert p.current == pytest.approx(org[-1])
    assert p.baseline_source == "window" and p.baseline_date == dt.date(2026, 3, 31)
    assert set(ga.series_by_group) == {"", "ward-a", "ward-b", "ward-c"}
    assert ga.control_group == "ward-c"
    assert all(len(s) == 10 for s in ga.series_by_group.values())
    assert [i.cohort for i in ga.impacts] == ["ward-a", "ward-b"]
    a, b = ga.impacts
    assert a.method == "did" and a.comparison == "ward-c"
    assert a.estimate == pytest.approx(-0.5, abs=0.15)
    assert a.ci_low < a.estimate < a.ci_high
    assert b.estimate is None  # nothing after ward-b's training yet
    assert ga.best_impact is a
    assert ga.mde is None  # a cohort has post-training data


def test_mde_before_any_post_data(analysis: SiteAnalysis) -> None:
    ga = analysis.goals["later"]
    assert ga.impacts and all(i.estimate is None for i in ga.impacts)
    assert ga.mde is not None and ga.mde > 0
    assert ga.roi is None and analysis.goals["no-metric"].mde is None


def test_roi_for_the_best_estimate(analysis: SiteAnalysis) -> None:
    pytest.importorskip("generator.analysis.roi")
    roi = analysis.goals["fewer-errors"].roi
    assert roi is not None and roi.cost == 10000
    level = analysis.goals["fewer-errors"].evidence.levels[5]
    assert level.key == "roi" and level.strength != "none"


def test_learning_leading_and_evidence(analysis: SiteAnalysis) -> None:
    ga = analysis.goals["fewer-errors"]
    a, b = ga.learning["ward-a"], ga.learning["ward-b"]
    assert (a.enrolled, a.completed, a.passed) == (6, 6, 5)
    assert b.suppressed and b.enrolled is None
    assert ga.learning_total is a  # the only shown funnel
    assert set(ga.leading) == {LEADING_COMPLETION, LEADING_SCORE, "Near misses"}
    # ward-b (3 people, hidden) stays out of the series: it would show as a dip otherwise
    assert ga.leading[LEADING_COMPLETION].to_list() == [100.0] * 7  # April .. October
    assert ga.leading[LEADING_SCORE].to_list() == [pytest.approx((5 * 90 + 50) / 6)]
    (signal,) = ga.behaviour
    assert signal.metric == "near_misses" and signal.before < signal.after
    assert signal.n_pre == 3 and signal.n_post == 6  # April (training starts) left out
    levels = {lv.key: lv for lv in ga.evidence.levels}
    assert [lv.level for lv in ga.evidence.levels] == [0, 1, 2, 3, 4, 5]
    assert levels["inputs"].value_text.startswith("6 people enrolled · 12 planned hours")
    assert levels["reaction"].value_text == "50% reflected (3 reflections)"
    assert levels["learning"].strength == "strong"
    # three months before training cannot tell a change from a trend
    assert levels["behaviour"].strength == "weak" and signal.p_value is None
    assert levels["results"].value_text.startswith("Difference-in-differences: −0.4")
    # three months before training cannot rule out a trend: moderate, not strong
    assert levels["results"].strength == "moderate"
    assert ga.evidence.sentence.endswith("the chain breaks at behaviour.")
    results = analysis.goals["later"].evidence.levels[4]
    assert (results.value_text, results.strength) == ("Not started", "none")
    later = analysis.goals["later"].evidence
    assert later.weakest is not None and later.weakest.key == "learning"
    assert (
        later.sentence
        == "No level shows the training working yet; the first gap is no learning data."
    )
    untrained = analysis.goals["no-metric"].evidence
    assert untrained.weakest is None and untrained.sentence.startswith("No learning path is linked")


def test_paths_and_skills(analysis: SiteAnalysis) -> None:
    pa = analysis.paths["safe-med"]
    assert set(pa.funnels) == {"ward-a", "ward-b"}
    assert pa.funnels["ward-b"].suppressed
    assert pa.total.suppressed  # 9 learners, but it would reveal ward-b's 3 by subtraction
    assert pa.activity_completion == {"ward-a": {"course": 1.0, "reflect": 0.5, "exam": 5 / 6}}
    assert analysis.paths["buddy"].total.enrolled == 0
    gaps = [(g.skill, g.group, g.gap, g.suppressed, g.taught_by) for g in analysis.skills]
    assert gaps == [
        ("med-safety", "nurses", pytest.approx(1.6), False, ("safe-med",)),
        ("triage", "nurses", None, True, ()),
    ]


def test_no_learner_id_anywhere(analysis: SiteAnalysis) -> None:
    parts = [repr(analysis)]
    for ga in analysis.goals.values():
        parts += [repr(ga.leading), repr(ga.learning), repr(ga.evidence), repr(ga.behaviour)]
        parts += [repr(list(s.index)) for s in ga.leading.values()]
    for pa in analysis.paths.values():
        parts += [repr(pa.leading), repr(pa.funnels), repr(pa.total)]
    text = "\n".join(parts)
    assert "nurse-" not in text and "n0" not in text.replace("n0.", "")


def test_frames_are_not_mutated() -> None:
    # speed lives in benchmarks/, not in timed tests
    data, site = make_data(), small_site()
    before = [f.copy() for f in (data.kpis, data.learning, data.skills)]
    analyse_site(site, data)
    for old, new in zip(before, (data.kpis, data.learning, data.skills), strict=True):
        pd.testing.assert_frame_equal(old, new)
    assert dataclasses.is_dataclass(SiteAnalysis)


def test_behaviour_signal_tells_a_trend_from_a_change() -> None:
    import numpy as np

    from generator.analysis.evidence import behaviour_signal

    idx = pd.date_range("2025-01-01", periods=20, freq="MS")
    rng = np.random.default_rng(3)
    trend = pd.Series(50 + 1.0 * np.arange(20) + rng.normal(0, 0.5, 20), index=idx)
    start = dt.date(2025, 11, 10)  # November left out: 10 months before, 8 after
    steady = behaviour_signal(trend, "double_checks", start)
    assert steady is not None and (steady.n_pre, steady.n_post) == (10, 9)
    assert steady.after > steady.before + 8  # a before/after t-test would call this strong
    assert steady.p_value is not None and steady.p_value > 0.05
    jump = trend + 5.0 * (trend.index >= pd.Timestamp("2025-12-01"))
    changed = behaviour_signal(jump, "double_checks", start)
    assert changed is not None and changed.p_value is not None and changed.p_value < 0.05


def test_behaviour_is_rated_by_its_declared_direction() -> None:
    import numpy as np

    from generator.analysis.evidence import _behaviour, behaviour_signal

    idx = pd.date_range("2025-01-01", periods=20, freq="MS")
    rng = np.random.default_rng(3)
    base = pd.Series(50 + rng.normal(0, 0.5, 20), index=idx)
    start = dt.date(2025, 11, 10)
    jump = base + 5.0 * (base.index >= pd.Timestamp("2025-12-01"))
    up = behaviour_signal(jump, "double_checks", start, direction="increase")
    down = behaviour_signal(jump, "double_checks", start, direction="decrease")
    unsaid = behaviour_signal(jump, "double_checks", start)
    assert up is not None and down is not None and unsaid is not None
    assert up.method == "its" and up.change == pytest.approx(5.0, abs=1.0)
    assert up.ci_low is not None and up.ci_low > 0  # a clear rise
    assert (up.right_way, down.right_way, unsaid.right_way) == (True, False, None)
    # against its own trend only: a clear rise the right way is moderate, never strong
    assert _behaviour([up]).strength == "moderate"
    level = _behaviour([down])
    assert level.strength == "weak" and "the wrong way" in level.value_text
    level = _behaviour([unsaid])
    assert level.strength == "moderate" and "direction not declared" in level.value_text
    flat = behaviour_signal(base, "double_checks", start, direction="increase")
    assert flat is not None and _behaviour([flat]).strength == "weak"


def test_behaviour_uses_the_comparison_group_like_the_kpi() -> None:
    """A leading indicator with data for the cohort's group and the control group gets a
    difference-in-differences: a rise everyone shared is no behaviour change."""
    import numpy as np

    from generator.analysis.evidence import behaviour_signal
    from generator.analysis.impact import CohortWindow, estimate_cohorts, headline_impact

    idx = pd.date_range("2025-01-01", periods=20, freq="MS")
    rng = np.random.default_rng(8)
    shared = 3.0 * (idx >= pd.Timestamp("2025-12-01"))  # a change in both groups
    trained = pd.Series(50 + shared + rng.normal(0, 0.5, 20), index=idx)
    control = pd.Series(40 + shared + rng.normal(0, 0.5, 20), index=idx)
    window = CohortWindow("a", "A", "ward-a", dt.date(2025, 11, 3), dt.date(2025, 11, 28))
    estimates = estimate_cohorts(
        {"ward-a": trained, "ward-c": control}, [window], control_group="ward-c", period="month"
    )
    head = headline_impact(estimates, sizes={"a": 10}, groups={"a": "ward-a"})
    assert head is not None and head.method == "did"
    sig = behaviour_signal(trained, "checks", window.start, direction="increase", headline=head)
    assert sig is not None and sig.method == "did"
    assert sig.after > sig.before + 2  # before/after alone would read as a rise
    assert sig.ci_low is not None and sig.ci_low < 0 < sig.ci_high  # DiD: no change
