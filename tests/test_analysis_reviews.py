"""analysis/reviews.py: period reviews on small hand-made sites and data.

Every expected number below is worked out from the plan and the rows written here:
goals whose baseline is 1 Jan 2026 and target date 31 Dec 2026 expect the share
``days since 1 Jan / 364`` of the way by a day (the straight-line plan). Status reads the
recent level, the mean of the last three months with data, against the plan at those
months' middles (``month_plan``).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from generator.analysis.reviews import (
    analyse_reviews,
    make_period,
    movement,
    parse_label,
    previous_period,
    review_periods,
    take_snapshots,
)
from generator.build.review_memo import fresh_reviews
from generator.charts.review_learning import for_review as learning_chart
from generator.data import Dataset
from generator.data.schema import KPIS, LEARNING, SKILLS
from generator.errors import Problems
from generator.load.config import SiteConfig, load_config
from generator.model.site import Site
from tests.sitekit import site_from

D = dt.date


def plan_share(day: dt.date) -> float:
    """Expected share of the way on ``day`` for a 2026-01-01 → 2026-12-31 plan."""
    return (day - D(2026, 1, 1)).days / 364


def month_plan(*months: int) -> float:
    """The plan over 2026 months: the mean of its shares at each month's middle."""
    middles = [D(2026, m, 1) + (D(2026, m + 1, 1) - D(2026, m, 2)) / 2 for m in months]
    return sum(plan_share(d) for d in middles) / len(middles)


# ---------------------------------------------------------------- helpers


def build_site(
    goals: dict[str, dict[str, Any]], paths: dict[str, dict[str, Any]] | None = None, **config: Any
) -> Site:
    return site_from(goals, paths, warnings_ok=True, **config)


def kpis(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    if not rows:
        return KPIS.empty()
    return pd.DataFrame(
        {
            "date": pd.Series(pd.to_datetime([r[0] for r in rows]), dtype="datetime64[ns]"),
            "metric": pd.Series([r[1] for r in rows], dtype="str"),
            "value": pd.Series([r[2] for r in rows], dtype="float64"),
            "group": pd.Series([r[3] for r in rows], dtype="str"),
        }
    )


def learning(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    """Rows of (date, learner, activity, verb, path, cohort)."""
    if not rows:
        return LEARNING.empty()
    n = len(rows)
    return pd.DataFrame(
        {
            "date": pd.Series(pd.to_datetime([r[0] for r in rows]), dtype="datetime64[ns]"),
            "learner": pd.Series([r[1] for r in rows], dtype="str"),
            "activity": pd.Series([r[2] for r in rows], dtype="str"),
            "verb": pd.Series([r[3] for r in rows], dtype="str"),
            "path": pd.Series([r[4] for r in rows], dtype="str"),
            "cohort": pd.Series([r[5] for r in rows], dtype="str"),
            "score": pd.Series([float("nan")] * n, dtype="float64"),
            "duration_min": pd.Series([float("nan")] * n, dtype="float64"),
        }
    )


def dataset(kpi_rows=(), learning_rows=()) -> Dataset:
    return Dataset(
        kpis=kpis(list(kpi_rows)),
        learning=learning(list(learning_rows)),
        skills=SKILLS.empty(),
        sources={},
        fingerprint="test",
    )


def goal(title: str, owner: str, metric: str, direction: str, base: float, target: float, **kw):
    meta = {
        "title": title,
        "owner": owner,
        "kpi": {
            "metric": metric,
            "direction": direction,
            "baseline": {"value": base, "date": "2026-01-01"},
            "target": {"value": target, "date": "2026-12-31"},
            **kw.pop("kpi", {}),
        },
    }
    meta.update(kw)
    return meta


# ---------------------------------------------------------------- periods


def test_parse_label_months_quarters_weeks_and_nonsense() -> None:
    assert parse_label("2026-10") == ("month", D(2026, 10, 1))
    assert parse_label("2026-Q3") == ("quarter", D(2026, 7, 1))
    assert parse_label("2026-Q1") == ("quarter", D(2026, 1, 1))
    assert parse_label("2026-W41") == ("week", D(2026, 10, 5))  # a Monday
    assert parse_label("2026-W53") == ("week", D(2026, 12, 28))  # 2026 starts on a Thursday
    for bad in ("2026-13", "2026-00", "2026-Q5", "2025-W53", "2026-W54", "October", "26-10"):
        assert parse_label(bad) is None, bad


def test_make_period_titles_and_partial() -> None:
    oct_ = make_period(D(2026, 10, 14), "month", as_of=D(2026, 10, 20))
    assert (oct_.label, oct_.title) == ("2026-10", "October 2026")
    assert (oct_.start, oct_.end, oct_.as_of) == (D(2026, 10, 1), D(2026, 10, 31), D(2026, 10, 20))
    assert oct_.partial
    q3 = make_period(D(2026, 8, 2), "quarter", as_of=D(2026, 10, 20))
    assert (q3.label, q3.title, q3.start, q3.end) == (
        "2026-Q3",
        "Q3 2026",
        D(2026, 7, 1),
        D(2026, 9, 30),
    )
    assert q3.as_of == q3.end and not q3.partial  # over before the report date
    w = make_period(D(2026, 10, 7), "week")
    assert (w.label, w.title, w.start, w.end) == (
        "2026-W41",
        "Week 41, 2026",
        D(2026, 10, 5),
        D(2026, 10, 11),
    )
    # the period before is always whole, whatever the report date
    assert previous_period(oct_, "month").label == "2026-09"
    assert previous_period(oct_, "month").as_of == D(2026, 9, 30)
    assert previous_period(q3, "quarter").label == "2026-Q2"
    assert previous_period(make_period(D(2026, 1, 5), "month"), "month").label == "2025-12"
    assert previous_period(make_period(D(2026, 1, 1), "week"), "week").label == "2025-W52"


def test_review_periods_only_periods_with_data_up_to_as_of() -> None:
    k = pd.Series(pd.to_datetime(["2026-07-15", "2026-07-20", "2026-09-02", "2026-11-01"]))
    lr = pd.Series(pd.to_datetime(["2026-10-05"]))
    monthly = review_periods([k, lr], "month", D(2026, 10, 20))
    # no data in August: no August review; November lies after the report date
    assert [p.label for p in monthly] == ["2026-07", "2026-09", "2026-10"]
    assert [p.partial for p in monthly] == [False, False, True]
    assert monthly[-1].as_of == D(2026, 10, 20)
    quarterly = review_periods([k, lr], "quarter", D(2026, 10, 20))
    assert [p.label for p in quarterly] == ["2026-Q3", "2026-Q4"]
    assert quarterly[0].as_of == D(2026, 9, 30) and quarterly[1].as_of == D(2026, 10, 20)
    # the most recent ``limit`` periods, oldest first
    assert [p.label for p in review_periods([k, lr], "month", D(2026, 10, 20), limit=2)] == [
        "2026-09",
        "2026-10",
    ]
    # learning dates alone make a period; empty columns and NaT are ignored
    only_learning = review_periods(
        [pd.Series([], dtype="datetime64[ns]"), lr], "month", D(2026, 12, 31)
    )
    assert [p.label for p in only_learning] == ["2026-10"]
    assert review_periods([pd.Series([pd.NaT])], "month", D(2026, 12, 31)) == []
    weekly = review_periods([lr], "week", D(2026, 10, 31))
    assert [p.label for p in weekly] == ["2026-W41"]


def test_reviews_config_section(tmp_path) -> None:
    (tmp_path / "goalpath.toml").write_text(
        '[analysis]\nperiod = "month"\n[reviews]\nperiod = "quarter"\nlimit = 2\n'
    )
    problems = Problems()
    cfg = load_config(tmp_path, problems)
    assert problems.errors == []
    assert (cfg.period, cfg.review_period, cfg.review_limit) == ("month", "quarter", 2)

    (tmp_path / "goalpath.toml").write_text('[reviews]\nperiod = "year"\nlimit = 0\n')
    problems = Problems()
    load_config(tmp_path, problems)
    fields = sorted(p.field for p in problems.errors)
    assert fields == ["reviews.limit", "reviews.period"]

    defaults = SiteConfig()
    assert (defaults.review_period, defaults.review_limit) == ("", 12)


def test_movement_is_direction_aware() -> None:
    assert movement(10, 12, "increase") == "improved"
    assert movement(10, 12, "decrease") == "worsened"
    assert movement(10, 8, "decrease") == "improved"
    assert movement(10, 10.0, "increase") == "unchanged"
    assert movement(None, 3, "increase") == "new"
    assert movement(3, None, "increase") == "no-data"


# ---------------------------------------------------------------- a month's review

FOUR = {
    "sales": goal("Grow sales", "Head of Sales", "sales", "increase", 100, 200, department="Sales"),
    "errors": goal("Fewer errors", "CNO", "errors", "decrease", 10, 5),
    "csat": goal("Happier customers", "COO", "csat", "increase", 70, 90),
    "onboarding": goal("Faster onboarding", "HR", "onboarding_days", "decrease", 30, 20),
}


def four_rows() -> list[tuple[str, str, float, str]]:
    rows = [
        ("2026-08-15", "sales", 150.0, ""),
        ("2026-09-15", "sales", 170.0, ""),  # Aug–Sep 160: 0.60 against 0.665: on track
        ("2026-10-15", "sales", 130.0, ""),  # Aug–Oct 150: 0.50 against 0.707: at risk
        ("2026-08-15", "errors", 9.0, ""),
        ("2026-09-15", "errors", 8.0, ""),  # Aug–Sep 8.5: 0.30, 36 points behind: off track
        ("2026-10-15", "errors", 4.0, ""),  # Aug–Oct 7.0: 0.60, 11 behind: on track
        ("2026-06-15", "csat", 80.0, ""),  # 0.50 against June's 0.453: the only figure
    ]
    return rows


@pytest.fixture(scope="module")
def october():
    site = build_site(FOUR, as_of=D(2026, 10, 31))
    reviews = analyse_reviews(site, dataset(four_rows()), as_of=D(2026, 10, 31), limit=2)
    assert [r.period.label for r in reviews] == ["2026-09", "2026-10"]
    return reviews[-1]


def test_review_compares_with_the_period_before(october) -> None:
    r = october
    assert (r.period.label, r.previous.label, r.cadence) == ("2026-10", "2026-09", "month")
    assert r.period.as_of == D(2026, 10, 31) and not r.period.partial
    by = {g.goal: g for g in r.goals}
    sales, errors, csat, onb = by["sales"], by["errors"], by["csat"], by["onboarding"]

    assert (sales.status_then, sales.status_now) == ("on-track", "at-risk")
    assert (sales.value_then, sales.value_now, sales.change) == (170.0, 130.0, -40.0)
    assert sales.movement == "worsened" and sales.new_figure
    assert sales.progress_then == pytest.approx(0.60) and sales.progress_now == pytest.approx(0.50)
    expected_oct = month_plan(8, 9, 10)
    assert sales.expected_now == pytest.approx(expected_oct)
    assert sales.gap_now == pytest.approx((expected_oct - 0.50) * 100)
    assert (sales.owner, sales.department, sales.metric) == ("Head of Sales", "Sales", "sales")

    assert (errors.status_then, errors.status_now) == ("off-track", "on-track")
    assert errors.change == pytest.approx(-4.0)
    assert errors.movement == "improved"  # a fall is good for a decrease goal

    # June's figure: 3 months before September is still current, 4 before October is not
    assert (csat.status_then, csat.status_now) == ("on-track", "stale")
    assert csat.stale and not csat.new_figure
    assert (csat.value_then, csat.value_now, csat.movement) == (80.0, 80.0, "unchanged")
    assert csat.last_observation == D(2026, 6, 30)

    assert (onb.status_then, onb.status_now, onb.movement) == ("no-data", "no-data", "no-data")
    assert onb.value_now is None and onb.change is None


def test_review_lists_attention_first_and_stale(october) -> None:
    r = october
    # attention (at risk) first, then stale, no data, on track
    assert [g.goal for g in r.goals] == ["sales", "csat", "onboarding", "errors"]
    assert [g.goal for g in r.status_changes] == ["sales", "csat", "errors"]
    assert [(g.goal, g.owner) for g in r.attention] == [("sales", "Head of Sales")]
    assert [g.goal for g in r.stale] == ["csat", "onboarding"]
    assert r.counts_then == {"off-track": 1, "no-data": 1, "on-track": 2}
    assert list(r.counts_now.items()) == [
        ("at-risk", 1),
        ("stale", 1),
        ("no-data", 1),
        ("on-track", 1),
    ]
    assert r.new_impacts == []


def test_review_summary_sentences_state_the_numbers(october) -> None:
    assert october.summary == [
        "In October 2026, 3 goals changed status: “Grow sales” moved from on track to at risk, "
        "and 2 others changed.",
        "KPIs improved for 1 goal and worsened for 1; 1 goal had no new figure this period.",
        "1 goal needs attention: Grow sales (at risk, Head of Sales).",
        "2 goals have no recent KPI data: “Happier customers” and “Faster onboarding”.",
    ]


def test_partial_period_and_no_status_change() -> None:
    goals = {"sales": FOUR["sales"]}
    rows = [("2026-09-15", "sales", 170.0, ""), ("2026-10-10", "sales", 175.0, "")]
    site = build_site(goals, as_of=D(2026, 10, 20))
    reviews = analyse_reviews(site, dataset(rows), as_of=D(2026, 10, 20))
    assert [r.period.label for r in reviews] == ["2026-09", "2026-10"]
    sep, oct_ = reviews
    # September's review: August had no figure yet, so the goal's figure is new
    assert sep.goals[0].movement == "new" and sep.goals[0].status_then == "no-data"
    assert sep.summary[0].startswith(
        "In September 2026, 1 goal changed status: “Grow sales” moved from no data to "
    )
    # October so far: Sep–Oct 172.5 is 0.725 of the way, the plan for them 0.749: on track
    assert oct_.period.partial and oct_.period.as_of == D(2026, 10, 20)
    g = oct_.goals[0]
    assert (g.status_then, g.status_now, g.movement) == ("on-track", "on-track", "improved")
    assert g.expected_now == pytest.approx(month_plan(9, 10))
    assert oct_.summary[:2] == [
        "In October 2026 so far, no goal changed status since September 2026.",
        "KPIs improved for 1 goal and worsened for 0.",
    ]
    assert oct_.attention == [] and oct_.stale == []


def test_quarterly_reviews_over_monthly_data() -> None:
    goals = {"sales": FOUR["sales"]}
    rows = [
        ("2026-05-15", "sales", 120.0, ""),
        ("2026-06-15", "sales", 130.0, ""),
        ("2026-08-15", "sales", 150.0, ""),
    ]
    site = build_site(goals, as_of=D(2026, 10, 31))
    reviews = analyse_reviews(site, dataset(rows), as_of=D(2026, 10, 31), cadence="quarter")
    assert [(r.period.label, r.previous.label) for r in reviews] == [
        ("2026-Q2", "2026-Q1"),
        ("2026-Q3", "2026-Q2"),
    ]
    q3 = reviews[-1]
    assert q3.cadence == "quarter" and q3.period.as_of == D(2026, 9, 30)
    g = q3.goals[0]
    # end of June: 130; end of September: August's 150, a figure from inside the quarter
    assert (g.value_then, g.value_now, g.change) == (130.0, 150.0, 20.0)
    assert g.new_figure and g.movement == "improved"
    assert q3.summary[0].startswith("In Q3 2026,")


def test_fresh_reviews_use_the_reviews_section(tmp_path) -> None:
    goals = {"sales": FOUR["sales"]}
    rows = [(f"2026-{m:02d}-15", "sales", 100.0 + 10 * m, "") for m in range(1, 11)]
    data = dataset(rows)
    analysis = SimpleNamespace(as_of=D(2026, 10, 31))
    monthly = fresh_reviews(build_site(goals, review_limit=3), data, analysis)
    assert [p.review.period.label for p in monthly.pages] == ["2026-08", "2026-09", "2026-10"]
    assert [p.href for p in monthly.pages][-1] == "reviews/2026-10/"
    assert (monthly.pages[1].older, monthly.pages[1].newer) == ("2026-08", "2026-10")
    links = monthly.links["sales"]
    assert [x["href"] for x in links] == [
        "reviews/2026-10/",
        "reviews/2026-09/",
        "reviews/2026-08/",
    ]
    quarterly = fresh_reviews(build_site(goals, review_period="quarter"), data, analysis)
    assert [p.review.period.label for p in quarterly.pages] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert all(p.review.cadence == "quarter" for p in quarterly.pages)


# ---------------------------------------------------------------- learning completion

PATH = {
    "title": "Safety basics",
    "cohorts": [{"id": "c1", "start": "2026-09-01", "size": 6}],
    "activities": [{"id": "course", "title": "Course", "kind": "course", "week": 1, "hours": 2}],
}


def test_learning_completions_in_the_period() -> None:
    rows = []
    for n in range(6):
        who = f"L{n}"
        rows.append(("2026-09-01", who, "course", "enrolled", "safety", "c1"))
        if n < 2:
            rows.append(("2026-09-10", who, "course", "completed", "safety", "c1"))
        elif n < 5:
            rows.append(("2026-10-05", who, "course", "completed", "safety", "c1"))
    site = build_site({"sales": FOUR["sales"]}, {"safety": PATH}, min_group_size=5)
    reviews = analyse_reviews(site, dataset([], rows), as_of=D(2026, 10, 31))
    assert [r.period.label for r in reviews] == ["2026-09", "2026-10"]
    sep, oct_ = reviews
    (lc,) = oct_.learning
    assert (lc.enrolled_then, lc.completed_then) == (6, 2)
    assert (lc.enrolled_now, lc.completed_now, lc.completed_in_period) == (6, 5, 3)
    assert lc.rate_then == pytest.approx(2 / 6) and lc.rate_now == pytest.approx(5 / 6)
    assert not lc.hidden
    assert "3 learners completed a learning path (“Safety basics”)." in oct_.summary
    # nobody had enrolled by the end of August: September's two completions are all new
    (lc_sep,) = sep.learning
    assert lc_sep.enrolled_then is None and lc_sep.completed_in_period == 2
    assert "2 learners completed a learning path (“Safety basics”)." in sep.summary
    chart = learning_chart(oct_)
    assert chart is not None and chart.table.rows == [["Safety basics", "33%", "83%", "3"]]


def test_learning_below_the_privacy_minimum_is_hidden() -> None:
    rows = [(f"2026-09-0{n + 1}", f"L{n}", "course", "enrolled", "safety", "c1") for n in range(4)]
    rows.append(("2026-09-20", "L0", "course", "completed", "safety", "c1"))
    site = build_site({"sales": FOUR["sales"]}, {"safety": PATH}, min_group_size=5)
    (review,) = analyse_reviews(site, dataset([], rows), as_of=D(2026, 9, 30))
    (lc,) = review.learning
    assert lc.hidden and lc.completed_now is None and lc.completed_in_period is None
    assert not any("learner" in s for s in review.summary)
    assert learning_chart(review) is None


def test_completions_in_period_not_overstated_when_the_previous_count_was_hidden() -> None:
    # three learners by the end of September (two completed: hidden, under 5), three more
    # in October of whom one completes: October's figure is "6 enrolled, 3 completed",
    # but only one of those completions happened in October.
    rows = []
    for n in range(3):
        rows.append(("2026-09-20", f"A{n}", "course", "enrolled", "safety", "c1"))
    rows += [("2026-09-25", f"A{n}", "course", "completed", "safety", "c1") for n in range(2)]
    for n in range(3):
        rows.append(("2026-10-02", f"B{n}", "course", "enrolled", "safety", "c1"))
    rows.append(("2026-10-10", "B0", "course", "completed", "safety", "c1"))
    site = build_site({"sales": FOUR["sales"]}, {"safety": PATH}, min_group_size=5)
    oct_ = analyse_reviews(site, dataset([], rows), as_of=D(2026, 10, 31))[-1]
    (lc,) = oct_.learning
    assert (lc.enrolled_now, lc.completed_now) == (6, 3)
    assert lc.completed_then is None
    # 3 would be wrong; 1 would reveal September's hidden count: unknown
    assert lc.completed_in_period is None
    assert not any("completed a learning path" in s for s in oct_.summary)
    chart = learning_chart(oct_)
    assert chart is not None and chart.table.rows == [["Safety basics", "–", "50%", "–"]]


# ---------------------------------------------------------------- new impact estimates


def test_new_impact_estimate_is_reported_once_in_the_period_it_appears() -> None:
    goals = {
        "errors": goal(
            "Fewer errors",
            "CNO",
            "errors",
            "decrease",
            10,
            7,
            kpi={"unit": "per 1000"},
            learning_paths=["safe"],
            monitoring={"control_group": "ward-c"},
        )
    }
    paths = {
        "safe": {
            "title": "Safe medication",
            # one week of training, 6-12 April: pre = Jan-Mar, post = May onwards
            "cohorts": [{"id": "ward-a", "name": "Ward A", "start": "2026-04-06", "size": 8}],
            "activities": [{"id": "course", "title": "Course", "kind": "course", "week": 1}],
        }
    }
    noise = [0.05, -0.05, 0.1, -0.1, 0.0, 0.05, -0.05, 0.1]
    rows = []
    for i, m in enumerate(range(1, 9)):
        a = 10.0 + noise[i] - (2.0 if m >= 5 else 0.0)  # ward A falls by 2 after training
        c = 10.0 + noise[-1 - i]
        rows += [
            (f"2026-{m:02d}-15", "errors", a, "ward-a"),
            (f"2026-{m:02d}-15", "errors", c, "ward-c"),
            (f"2026-{m:02d}-15", "errors", (a + c) / 2, ""),
        ]
    site = build_site(goals, paths, as_of=D(2026, 8, 31))
    reviews = {
        r.period.label: r for r in analyse_reviews(site, dataset(rows), as_of=D(2026, 8, 31))
    }
    # May has one post-training month (two are needed), June the second
    assert reviews["2026-05"].new_impacts == []
    (imp,) = reviews["2026-06"].new_impacts
    assert (imp.goal, imp.cohort, imp.cohort_label, imp.method) == (
        "errors",
        "ward-a",
        "Ward A",
        "did",
    )
    assert imp.estimate == pytest.approx(-2.0, abs=0.25)
    assert (
        imp.ci_low is not None
        and imp.ci_high is not None
        and imp.ci_low < imp.estimate < imp.ci_high
    )
    assert imp.favourable  # a fall for a goal that wants a decrease
    assert imp.unit == "per 1000"
    sentence = next(s for s in reviews["2026-06"].summary if s.startswith("New impact"))
    assert sentence.startswith("New impact estimate for Ward A on “Fewer errors”: −")
    assert sentence.endswith(f" per 1000 ({imp.evidence} evidence).")
    # reported once: July and August do not repeat it
    assert reviews["2026-07"].new_impacts == [] and reviews["2026-08"].new_impacts == []


def test_snapshots_in_any_order_match_and_keep_first_estimate() -> None:
    site = build_site(FOUR, as_of=D(2026, 10, 31))
    data = dataset(four_rows())
    days = [D(2026, 10, 31), D(2026, 9, 30)]
    snaps = take_snapshots(site, data, days)
    assert [s.as_of for s in snaps] == days
    assert snaps[0].goals["sales"].current == 130.0 and snaps[1].goals["sales"].current == 170.0
    assert snaps[0].goals["csat"].stale and not snaps[1].goals["csat"].stale


def test_no_data_no_reviews() -> None:
    site = build_site({"sales": FOUR["sales"]}, as_of=D(2026, 10, 31))
    assert analyse_reviews(site, dataset(), as_of=D(2026, 10, 31)) == []


def test_names_in_summaries_keep_the_quotes_of_a_title() -> None:
    from generator.analysis.reviews import _names

    titles = ["Cut “no-show” rates", "Grow sales", "Fewer errors", "Faster onboarding"]
    assert _names(titles[:2]) == "“Cut “no-show” rates” and “Grow sales”"
    unquoted = _names(titles, 3, quote=False)
    assert unquoted == "Cut “no-show” rates, Grow sales, Fewer errors and 1 more"
