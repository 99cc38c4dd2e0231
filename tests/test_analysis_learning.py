"""analysis/learning.py: funnels, Wilson rates, leading indicators and privacy suppression."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from generator.analysis.learning import (
    LEADING_COMPLETION,
    LEADING_SCORE,
    combine_funnels,
    completion_key,
    goal_leading,
    path_learning,
    wilson,
)
from generator.model.schema import PathMeta

PATH = PathMeta.model_validate(
    {
        "id": "safe-med",
        "title": "Safe medication",
        "cohorts": [
            {"id": "ward-a", "start": "2026-01-05", "size": 10},
            {"id": "ward-b", "start": "2026-04-06"},
        ],
        "activities": [
            {"id": "intro", "title": "Intro", "kind": "course", "week": 1, "hours": 2},
            {"id": "sim", "title": "Simulation", "kind": "practice", "week": 3, "hours": 3},
            {"id": "reflect", "title": "Reflect", "kind": "reflection", "week": 3},
            {"id": "final", "title": "Final", "kind": "assessment", "week": 8, "pass_score": 80},
        ],
    }
)
SCORES = {0: 80, 1: 85, 2: 90, 3: 95, 4: 100, 5: 82}


def learning_frame(b_size: int = 5, b_scored: int = 0) -> pd.DataFrame:
    rows: list[tuple[Any, ...]] = []

    def add(
        day: str,
        who: str,
        act: str,
        verb: str,
        cohort: str = "ward-a",
        score: float | None = None,
        path: str = "safe-med",
    ) -> None:
        rows.append((day, who, act, verb, path, cohort, score))

    for i in range(10):
        who = f"person-{i:02d}"
        add("2026-01-05", who, "intro", "enrolled", path="" if i == 0 else "safe-med")
        if i == 9:
            continue  # enrolled, never started
        add("2026-01-06", who, "intro", "started")
        add("2026-01-10", who, "intro", "completed")
        if i < 8:
            add("2026-02-10" if i < 4 else "2026-03-10", who, "sim", "completed")
        if i < 6:
            add("2026-03-20", who, "final", "passed", score=SCORES[i])
    add("2026-03-20", "person-06", "final", "failed", score=60)
    add("2026-04-20", "person-06", "final", "failed", score=70)  # a retake
    add("2026-03-20", "person-08", "final", "passed", score=90)  # passed, never did sim
    add("2026-02-11", "person-00", "reflect", "reflected", cohort="")  # cohort filled in
    add("2026-03-11", "person-00", "reflect", "reflected")
    add("2026-02-11", "person-01", "reflect", "reflected")
    add("2026-02-11", "person-02", "reflect", "reflected")
    for j in range(b_size):
        who = f"person-b{j}"
        add("2026-04-06", who, "intro", "enrolled", cohort="ward-b")
        if j < b_scored:
            add("2026-04-20", who, "final", "failed", cohort="ward-b", score=50)
    add("2026-04-06", "someone-else", "other", "completed", cohort="", path="other-path")
    return pd.DataFrame(
        {
            "date": pd.Series(pd.to_datetime([r[0] for r in rows]), dtype="datetime64[ns]"),
            "learner": pd.Series([r[1] for r in rows], dtype="str"),
            "activity": pd.Series([r[2] for r in rows], dtype="str"),
            "verb": pd.Series([r[3] for r in rows], dtype="str"),
            "path": pd.Series([r[4] for r in rows], dtype="str"),
            "cohort": pd.Series([r[5] for r in rows], dtype="str"),
            "score": pd.Series([r[6] for r in rows], dtype="float64"),
            "duration_min": pd.Series([float("nan")] * len(rows), dtype="float64"),
        }
    )


def analyse(frame: pd.DataFrame, **kw: Any) -> Any:
    opts: dict[str, Any] = {"period": "month", "min_group_size": 5, "until": dt.date(2026, 4, 30)}
    opts.update(kw)
    return path_learning(frame, PATH, **opts)


def test_wilson_matches_known_values() -> None:
    r = wilson(8, 10)
    assert r is not None
    assert (r.value, r.low, r.high) == (
        0.8,
        pytest.approx(0.490162, abs=1e-6),
        pytest.approx(0.943318, abs=1e-6),
    )
    zero = wilson(0, 10)
    assert (
        zero is not None
        and zero.low == pytest.approx(0.0)
        and zero.high == pytest.approx(0.277533, abs=1e-6)
    )
    full = wilson(20, 20)
    assert (
        full is not None
        and full.low == pytest.approx(0.838875, abs=1e-6)
        and full.high == pytest.approx(1.0)
    )
    assert wilson(0, 0) is None


def test_cohort_funnel_counts_rates_scores_and_reflections() -> None:
    f = analyse(learning_frame()).funnels["ward-a"]
    assert not f.suppressed
    assert (f.enrolled, f.started, f.completed, f.passed) == (10, 9, 8, 6)
    assert f.completion_rate.value == 0.8
    assert f.completion_rate.low == pytest.approx(0.490162, abs=1e-6)
    assert f.pass_rate.value == 0.6
    # best score per learner: 80 85 90 95 100 82, person-06 70 (retake), person-08 90
    assert f.mean_score == pytest.approx(692 / 8)
    assert f.reflections == 4 and f.reflection_rate.value == pytest.approx(0.3)
    assert f.median_days_to_complete == pytest.approx(50.0)  # 36 and 64 days
    assert f.activity_completed == {"intro": 9, "sim": 8, "reflect": 3, "final": 7}


def test_activity_completion_shares_and_leading_indicators() -> None:
    r = analyse(learning_frame())
    assert r.activity_completion["ward-a"] == {
        "intro": 0.9,
        "sim": 0.8,
        "reflect": 0.3,
        "final": 0.7,
    }
    completion = r.leading[completion_key("ward-a")]
    assert [ts.date().isoformat() for ts in completion.index] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
    ]
    # cumulative, per cohort: ward-a 0/10, 4/10, 8/10, 8/10. Pooled, ward-b's 5 enrolling
    # in April read as completion falling to 8/15: each cohort has its own line instead.
    assert completion.to_list() == pytest.approx([0.0, 40.0, 80.0, 80.0])
    later = r.leading[completion_key("ward-b")]
    assert list(later.index) == [pd.Timestamp("2026-04-01")] and later.to_list() == [0.0]
    assert LEADING_COMPLETION not in r.leading
    score = r.leading[LEADING_SCORE]
    # March: 8 learners scored; April: 1 retake (too few: hidden)
    assert list(score.index) == [pd.Timestamp("2026-03-01")]
    assert score.iloc[0] == pytest.approx((80 + 85 + 90 + 95 + 100 + 82 + 60 + 90) / 8)


@pytest.mark.parametrize(("b_size", "hidden"), [(4, True), (5, False)])
def test_privacy_suppression_at_the_minimum(b_size: int, hidden: bool) -> None:
    r = analyse(learning_frame(b_size=b_size))
    b = r.funnels["ward-b"]
    assert b.suppressed is hidden
    if hidden:
        assert (b.enrolled, b.started, b.completed, b.passed, b.completion_rate, b.mean_score) == (
            None,
        ) * 6
        assert b.activity_completed == {} and "ward-b" not in r.activity_completion
        # ward-a (10) is shown, so the total would reveal ward-b by subtraction: hidden too.
        assert r.total.suppressed and r.total.enrolled is None
        # ...and the series over time leaves ward-b out (a dip would reveal its 4 people).
        assert r.leading[LEADING_COMPLETION].to_list() == pytest.approx([0.0, 40.0, 80.0, 80.0])
    else:
        assert (b.enrolled, b.started, b.completed) == (5, 0, 0)
        assert not r.total.suppressed and r.total.enrolled == 15


def test_mean_score_hidden_when_few_scored() -> None:
    b = analyse(learning_frame(b_size=6, b_scored=2)).funnels["ward-b"]
    assert not b.suppressed and b.enrolled == 6 and b.mean_score is None
    assert b.notes == ("Mean score hidden: fewer than 5 learners have a score.",)
    b5 = analyse(learning_frame(b_size=6, b_scored=5)).funnels["ward-b"]
    assert b5.mean_score == pytest.approx(50.0)


def test_no_learner_id_leaves_the_module() -> None:
    frame = learning_frame(b_size=4, b_scored=2)
    r = analyse(frame)
    text = (
        repr(r)
        + repr(r.leading)
        + "".join(repr(list(s.index)) + repr(s.name) for s in r.leading.values())
    )
    leads = goal_leading(frame, [PATH], period="week", min_group_size=5)
    text += repr(leads) + "".join(repr(list(s.index)) for s in leads.values())
    assert "person-" not in text and "someone-else" not in text


def test_empty_learning_data_gives_empty_funnels() -> None:
    r = analyse(learning_frame().iloc[0:0])
    assert r.funnels["ward-a"].enrolled == 0 and not r.funnels["ward-a"].suppressed
    assert r.total.enrolled == 0 and r.leading == {}


def test_goal_leading_and_combined_funnels_over_paths() -> None:
    frame = learning_frame()
    leads = goal_leading(
        frame, [PATH], period="month", min_group_size=5, until=dt.date(2026, 4, 30)
    )
    assert leads[completion_key("ward-a")].to_list() == pytest.approx([0.0, 40.0, 80.0, 80.0])
    assert leads[completion_key("ward-b")].to_list() == [0.0]
    r = analyse(frame)
    both = combine_funnels([r.funnels["ward-a"], r.funnels["ward-b"]])
    assert both is not None
    assert (both.enrolled, both.completed, both.passed) == (15, 8, 6)
    assert both.completion_rate.value == pytest.approx(8 / 15)
    assert combine_funnels([r.funnels["ward-a"]]) is r.funnels["ward-a"]
    assert combine_funnels([]) is None


def test_wilson_in_closed_form_is_statsmodels_to_the_last_bit() -> None:
    from statsmodels.stats.proportion import proportion_confint  # the oracle only

    for n in (1, 2, 3, 5, 7, 10, 23, 44, 99, 250, 1000, 12345):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            if not 0 <= k <= n:
                continue
            low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
            r = wilson(k, n)
            assert r is not None and (r.value, r.low, r.high) == (k / n, float(low), float(high))
    assert wilson(0, 0) is None
