"""analysis/progress.py: status rules at their boundaries, expected progress, baselines, forecast."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from generator.analysis.progress import goal_progress
from generator.model.schema import GoalMeta

D = dt.date


def goal(**kpi: Any) -> GoalMeta:
    extra = kpi.pop("extra", {})
    base: dict[str, Any] = {
        "metric": "errors",
        "unit": "errors / 1000 doses",
        "direction": "decrease",
        "baseline": {"value": 4.0, "date": "2026-01-01"},
        "target": {"value": 3.0, "date": "2026-04-11"},  # 100 days after the baseline
    }
    base.update(kpi)
    return GoalMeta.model_validate(
        {"id": "g", "title": "Fewer errors", "owner": "CNO", "kpi": base, **extra}
    )


def table(values: dict[str, float], metric: str = "errors", group: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric": pd.Series([metric] * len(values), dtype="str"),
            "group": pd.Series([group] * len(values), dtype="str"),
            "period": pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]"),
            "value": pd.Series(list(values.values()), dtype="float64"),
            "n": pd.Series([1] * len(values), dtype="int64"),
        }
    )


def run(g: GoalMeta, data: pd.DataFrame, as_of: dt.date, *, started: bool = True, **kw: Any) -> Any:
    opts: dict[str, Any] = {"period": "month", "stale_after": 3, "on_track": 16.0, "at_risk": 33.0}
    opts.update(kw)
    return goal_progress(g, data, as_of=as_of, started=started, **opts)


# as_of 2026-02-20 is 50 of 100 days. A February figure is compared with the plan for
# February: at its middle, 14 February, 44 of 100 days.
MID = D(2026, 2, 20)
FEB_PLAN = 0.44


@pytest.mark.parametrize(
    ("gap", "status"),
    [
        (0.0, "on-track"),
        (16.0, "on-track"),  # gap exactly 16 points
        (16.01, "at-risk"),
        (33.0, "at-risk"),  # gap exactly 33 points
        (33.01, "off-track"),
        (64.0, "off-track"),  # moved the wrong way
    ],
)
@pytest.mark.parametrize("direction", ["decrease", "increase"])
def test_status_thresholds_are_inclusive(gap: float, status: str, direction: str) -> None:
    progress = FEB_PLAN - gap / 100
    if direction == "decrease":
        g, current = goal(), 4.0 - progress
    else:
        g = goal(
            direction="increase",
            baseline={"value": 10.0, "date": "2026-01-01"},
            target={"value": 20.0, "date": "2026-04-11"},
        )
        current = 10.0 + 10.0 * progress
    p = run(g, table({"2026-02-01": current}), MID)
    assert p.expected_progress == pytest.approx(FEB_PLAN)
    assert p.progress == pytest.approx(progress)
    assert p.status == status
    assert p.gap_points == pytest.approx(gap)


def test_status_reads_the_recent_level_not_one_period() -> None:
    g = goal(target={"value": 3.0, "date": "2026-12-31"})
    months = {f"2026-{m:02d}-01": 4.0 - 0.08 * m for m in range(1, 10)}  # on plan
    steady = run(g, table(months), D(2026, 9, 30))
    months["2026-09-01"] = 3.6  # one bad month
    blip = run(g, table(months), D(2026, 9, 30))
    assert steady.status == "on-track" and blip.status == "on-track"
    assert blip.level_periods == 3 and blip.level_from == D(2026, 7, 1)
    assert blip.level == pytest.approx((3.44 + 3.36 + 3.6) / 3)
    assert blip.current == 3.6
    # September alone, 40% of the way against a plan of 71% for September, is at risk
    plan_september = (D(2026, 9, 15) - D(2026, 1, 1)).days / (D(2026, 12, 31) - D(2026, 1, 1)).days
    assert 16 < (plan_september - 0.4) * 100 <= 33
    assert blip.level_text.startswith("Judged on the mean of 2026-07 to 2026-09: 3.47")
    assert blip.level_low is not None and blip.level_low < blip.level < blip.level_high
    # a figure before a gap of more than three periods is not recent
    gap = run(g, table({"2026-01-01": 3.0, "2026-05-01": 3.6}), D(2026, 5, 31))
    assert gap.level_periods == 1 and gap.level == 3.6


def test_a_status_within_the_noise_says_so() -> None:
    import numpy as np

    g = goal(target={"value": 3.0, "date": "2026-12-31"})
    rng = np.random.default_rng(3)
    noisy = {f"2026-{m:02d}-01": 3.75 + 0.3 * rng.standard_normal() for m in range(1, 10)}
    p = run(g, table(noisy), D(2026, 9, 30))
    assert p.status_range is not None and p.status_range[0] != p.status_range[1]
    assert p.gap_low is not None and p.gap_high is not None
    assert p.gap_low < p.gap_points < p.gap_high
    bands = ["on-track", "at-risk", "off-track"]
    lo, hi = (bands.index(x) for x in p.status_range)
    others = [x.replace("-", " ") for x in bands[lo : hi + 1] if x != p.status]
    assert others and p.summary.endswith(f", though the noise allows {' or '.join(others)} too.")
    quiet = {f"2026-{m:02d}-01": 3.75 + 0.001 * rng.standard_normal() for m in range(1, 10)}
    assert run(g, table(quiet), D(2026, 9, 30)).status_range is None


def test_achieved_is_direction_aware() -> None:
    p = run(goal(), table({"2026-02-01": 2.9}), MID)
    assert p.status == "achieved" and p.status_label == "Achieved"
    assert p.progress == pytest.approx(1.1)
    assert p.summary == (
        "Errors fell from 4 to 2.9 errors / 1000 doses; the target of 3 is reached; achieved."
    )
    # The same numbers for an increase goal: 45% of the way, 5 points behind → on track.
    up = goal(
        direction="increase",
        baseline={"value": 2.0, "date": "2026-01-01"},
        target={"value": 4.0, "date": "2026-04-11"},
    )
    p = run(up, table({"2026-02-01": 2.9}), MID)
    assert p.progress == pytest.approx(0.45)
    assert p.gap_points == pytest.approx(-1.0)  # the plan for February: 44%
    assert p.status == "on-track"
    assert run(up, table({"2026-02-01": 4.0}), MID).status == "achieved"


def test_not_started_before_baseline_or_before_any_cohort() -> None:
    later = goal(
        baseline={"value": 4.0, "date": "2026-06-30"}, target={"value": 3.0, "date": "2027-06-30"}
    )
    p = run(later, table({"2026-03-01": 3.5}), D(2026, 3, 31))
    assert p.status == "not-started"
    assert p.expected_progress == 0.0
    # No cohort has started, the KPI has not moved and the plan expects little yet (10%
    # by 2026-01-05, within the on-track tolerance): not started.
    early = D(2026, 1, 5)
    flat = run(goal(), table({"2026-01-01": 4.1}), early, started=False)
    assert flat.status == "not-started" and flat.progress == pytest.approx(-0.1)
    assert flat.summary == (
        "Errors rose from 4 to 4.1 errors / 1000 doses; moving away from the target; not started."
    )
    # Halfway through the plan (50% expected), the same flat KPI is off track even though
    # no cohort has started: the wait for training is no reason to look fine.
    late = run(goal(), table({"2026-02-01": 4.1}), MID, started=False)
    assert late.status == "off-track"
    # No cohort yet, but the KPI moved: judged like any other goal.
    moved = run(goal(), table({"2026-02-01": 3.5}), MID, started=False)
    assert moved.status == "on-track"


def test_no_data_and_stale() -> None:
    none = run(goal(), table({}), MID)
    assert none.status == "no-data" and none.current is None and none.progress is None
    assert none.expected_progress == pytest.approx(0.5)  # the plan is known without data
    assert none.summary == "No KPI data for errors yet; the status is unknown."
    other_metric = run(goal(), table({"2026-02-01": 3.0}, metric="other"), MID)
    assert other_metric.status == "no-data"

    g = goal(target={"value": 3.0, "date": "2026-12-31"})
    as_of = D(2026, 6, 15)
    fresh = run(g, table({"2026-01-01": 4.0, "2026-03-01": 3.9}), as_of)  # 3 periods back
    assert fresh.status != "stale" and not fresh.stale
    assert fresh.last_observation == D(2026, 3, 31)
    stale = run(g, table({"2026-01-01": 4.0, "2026-02-01": 3.0}), as_of)  # 4 periods back
    assert stale.status == "stale" and stale.stale  # stale wins over achieved
    assert stale.summary.startswith("The latest figure for errors is from 2026-02 (3 errors")
    assert run(g, table({"2026-02-01": 3.9}), as_of, stale_after=4).status != "stale"


def test_data_after_as_of_is_ignored() -> None:
    p = run(goal(), table({"2026-02-01": 3.6, "2026-03-01": 2.0}), MID)
    assert p.current == 3.6 and p.current_period == D(2026, 2, 1)
    assert list(p.series.index) == [pd.Timestamp("2026-02-01")]


def test_expected_progress_by_milestones_vs_straight_line() -> None:
    kw: dict[str, Any] = {
        "baseline": {"value": 4.0, "date": "2026-01-01"},
        "target": {"value": 3.0, "date": "2027-01-01"},
    }
    data = table({"2026-07-01": 3.8})
    as_of = D(2026, 7, 1)  # 181 of 365 days
    straight = run(goal(**kw), data, as_of)
    assert straight.expected_progress == pytest.approx(181 / 365)
    assert straight.expected_path == [(D(2026, 1, 1), 4.0), (D(2027, 1, 1), 3.0)]
    assert straight.status == "at-risk"  # 20% vs 49.6%: 29.6 points behind
    planned = run(goal(milestones=[{"date": "2026-07-01", "value": 3.8}], **kw), data, as_of)
    assert planned.expected_progress == pytest.approx(0.2)
    assert planned.gap_points == pytest.approx(0.0)
    assert planned.status == "on-track"
    assert planned.expected_path == [
        (D(2026, 1, 1), 4.0),
        (D(2026, 7, 1), 3.8),
        (D(2027, 1, 1), 3.0),
    ]
    # Half-way between the milestone and the target (92 of 184 days): 0.2 + 0.8 / 2.
    october = table({"2026-10-01": 3.5})
    later = run(
        goal(milestones=[{"date": "2026-07-01", "value": 3.8}], **kw), october, D(2026, 10, 1)
    )
    assert later.expected_progress == pytest.approx(0.6)
    # A July figure read in October is compared with the plan for July (its middle, the
    # 16th: 15 of 184 days past the milestone), not with the plan for October.
    read_late = run(
        goal(milestones=[{"date": "2026-07-01", "value": 3.8}], **kw), data, D(2026, 10, 1)
    )
    assert read_late.expected_progress == pytest.approx(0.2 + 0.8 * 15 / 184)
    # Past the deadline the plan expects everything.
    assert run(goal(**kw), table({"2027-02-01": 3.5}), D(2027, 2, 1)).expected_progress == 1.0


def test_baseline_from_a_window_is_the_mean_of_its_periods() -> None:
    g = goal(
        direction="increase",
        baseline={"window": ["2026-01-01", "2026-03-31"]},
        target={"value": 10.0, "date": "2026-12-31"},
    )
    data = table(
        {
            "2025-12-01": 100.0,
            "2026-01-01": 4.0,
            "2026-02-01": 5.0,
            "2026-03-01": 6.0,
            "2026-06-01": 7.5,
        }
    )
    p = run(g, data, D(2026, 6, 30))
    assert p.baseline == pytest.approx(5.0)
    assert p.baseline_date == D(2026, 3, 31) and p.baseline_source == "window"
    assert p.progress == pytest.approx(0.5)  # June alone: March is not among Apr–Jun
    # A window that starts mid-month takes the periods it overlaps.
    mid = goal(
        direction="increase",
        baseline={"window": ["2026-01-15", "2026-02-10"]},
        target={"value": 10.0, "date": "2026-12-31"},
    )
    assert run(mid, data, D(2026, 6, 30)).baseline == pytest.approx(4.5)
    # No data in the window: the first observation stands in, and says so.
    empty = goal(
        direction="increase",
        baseline={"window": ["2024-01-01", "2024-03-31"]},
        target={"value": 200.0, "date": "2026-12-31"},
    )
    q = run(empty, data, D(2026, 6, 30))
    assert (q.baseline, q.baseline_date, q.baseline_source) == (
        100.0,
        D(2025, 12, 1),
        "first-observation",
    )


def test_forecast_reaches_target_or_not() -> None:
    g = goal(
        direction="increase",
        baseline={"value": 10.0, "date": "2025-12-31"},
        target={"value": 20.0, "date": "2026-12-31"},
    )
    months = [f"2026-{m:02d}-01" for m in range(1, 7)]
    noise = [0.1, -0.1, 0.0, 0.1, -0.1, 0.0]
    fast = run(
        g,
        table({d: 10.0 + i + e for i, (d, e) in enumerate(zip(months, noise, strict=True))}),
        D(2026, 6, 30),
    )
    f = fast.forecast
    assert f is not None and f.date == D(2026, 12, 31) and f.n_periods == 6
    assert f.value == pytest.approx(21.0, abs=0.15)
    assert f.low < f.value < f.high and f.high - f.low < 2.0
    assert f.reaches_target
    slow = run(
        g,
        table({d: 10.0 + 0.3 * i + e for i, (d, e) in enumerate(zip(months, noise, strict=True))}),
        D(2026, 6, 30),
    )
    assert slow.forecast is not None and not slow.forecast.reaches_target
    assert slow.forecast.value == pytest.approx(13.3, abs=0.15)
    three = run(g, table(dict(zip(months[:3], [10.0, 11.0, 12.0], strict=True))), D(2026, 6, 30))
    assert three.forecast is None  # fewer than 4 periods
    done = run(g, table({d: 10.0 + i for i, d in enumerate(months)}), D(2027, 1, 31))
    assert done.forecast is None  # the deadline has passed


def test_summary_sentence_and_confidence_conflict() -> None:
    g = goal(
        baseline={"value": 4.2, "date": "2026-01-01"},
        target={"value": 3.78, "date": "2026-04-11"},
        extra={
            "checkins": [
                {"date": "2026-01-15", "confidence": 2},
                {"date": "2026-02-15", "confidence": 8, "note": "fine"},
                {"date": "2026-03-15", "confidence": 1},  # after as_of: not yet said
            ]
        },
    )
    p = run(g, table({"2026-02-01": 4.17}), MID)
    assert p.status == "off-track"
    assert p.summary == (
        "Errors fell from 4.2 to 4.17 errors / 1000 doses; 7% of the way to the target "
        "(plan: 44%); off track."
    )
    assert p.confidence_conflict == (
        "The owner's confidence was 8/10 on 15 Feb 2026, but the numbers say off track."
    )
    low = goal(extra={"checkins": [{"date": "2026-02-01", "confidence": 3}]})
    q = run(low, table({"2026-02-01": 3.5}), MID)
    assert q.status == "on-track" and q.confidence_conflict is not None
    assert "only 3/10" in q.confidence_conflict
    fine = goal(extra={"checkins": [{"date": "2026-02-01", "confidence": 5}]})
    assert run(fine, table({"2026-02-01": 3.5}), MID).confidence_conflict is None


def test_goal_without_baseline_uses_first_observation() -> None:
    g = GoalMeta.model_validate(
        {
            "id": "rev",
            "title": "Revenue",
            "owner": "CEO",
            "kpi": {
                "metric": "revenue",
                "direction": "increase",
                "target": {"value": 100, "date": "2026-12-31"},
            },
        }
    )
    p = run(g, table({"2026-01-01": 60.0, "2026-02-01": 70.0}, metric="revenue"), D(2026, 2, 28))
    assert p.baseline == 60.0 and p.baseline_source == "first-observation"
    assert p.baseline_date == D(2026, 1, 1)
    assert p.current == 70.0 and p.level == 65.0  # the mean of January and February
    assert p.progress == pytest.approx(0.125)


def test_forecast_value_is_the_ols_prediction() -> None:
    import statsmodels.api as sm  # the test oracle; the build does not import it

    g = goal(
        direction="increase",
        baseline={"value": 10.0, "date": "2025-12-31"},
        target={"value": 20.0, "date": "2026-12-31"},
    )
    values = [10.2, 11.5, 11.1, 12.9, 13.4, 13.2, 14.8]
    months = [f"2026-{m:02d}-01" for m in range(1, 8)]
    f = run(g, table(dict(zip(months, values, strict=True))), D(2026, 7, 31)).forecast
    x = sm.add_constant([float(m) for m in range(len(values))])
    pred = sm.OLS(values, x).fit().get_prediction([[1.0, 11.0]])  # December: 11 periods on
    assert f is not None and f.low is not None and f.high is not None
    assert f.value == pytest.approx(pred.predicted_mean[0])
    assert f.low < f.value < f.high


def _trend_panels(phi: float, n: int, ahead: int, reps: int, seed: int) -> Any:
    """``reps`` monthly series: a trend plus AR(1) noise, ``n`` observed, ``ahead`` more."""
    import numpy as np

    rng = np.random.default_rng(seed)
    e = np.empty((reps, n + ahead))
    u = rng.standard_normal(reps)
    for t in range(n + ahead):
        u = phi * u + np.sqrt(1 - phi**2) * rng.standard_normal(reps)
        e[:, t] = u
    return 10.0 + 0.2 * np.arange(n + ahead) + e


@pytest.mark.parametrize("phi", [0.0, 0.6])
def test_forecast_bands_cover_by_simulation(phi: float) -> None:
    """Trend + AR(1) noise, 12 months seen: the band holds the KPI 6 months on in 93–99%
    of 300 series."""
    from generator.analysis.progress import forecast

    n, ahead, reps = 12, 6, 300
    y = _trend_panels(phi, n, ahead, reps, seed=11)
    idx = pd.date_range("2025-01-01", periods=n + ahead, freq="MS")
    band = 0
    for row in y:
        s = pd.Series(row[:n], index=idx[:n])
        f = forecast(
            s, target=99.0, target_date=idx[-1].date(), direction="increase", period="month"
        )
        assert f is not None and f.low is not None and f.high is not None
        band += f.low <= row[-1] <= f.high
    assert 0.93 <= band / reps <= 0.99


@pytest.mark.parametrize("step", [0.0, 2.0])
def test_level_intervals_cover_by_simulation(step: float) -> None:
    """A trend with independent noise, with or without a step half-way (training's own
    effect): the level's interval holds the mean of the last three months' true values
    in 93–98% of 600 series; a step does not read as noise."""
    import numpy as np

    from generator.analysis.progress import recent_level

    rng = np.random.default_rng(5)
    idx = pd.date_range("2025-01-01", periods=12, freq="MS")
    truth = 10.0 + 0.2 * np.arange(12) + step * (np.arange(12) >= 6)
    hits, widths = 0, []
    for _ in range(600):
        value, low, high, m = recent_level(
            pd.Series(truth + rng.standard_normal(12), index=idx), "month"
        )
        assert m == 3 and low is not None and high is not None
        hits += low <= truth[-3:].mean() <= high
        widths.append(high - low)
    assert 0.93 <= hits / 600 <= 0.98
    # about 2 × t(11) / √3 ≈ 2.5 for unit noise: the step adds little
    assert 2.0 < float(np.median(widths)) < 3.0


def test_forecasts_of_counts_never_go_below_zero() -> None:
    g = goal(
        metric="accidents",
        unit="accidents / month",
        baseline={"value": 6.0, "date": "2025-12-31"},
        target={"value": 3.0, "date": "2026-12-31"},
    )
    falling = dict(
        zip((f"2026-{m:02d}-01" for m in range(1, 7)), [5.2, 3.9, 3.1, 1.8, 1.1, 0.2], strict=True)
    )
    f = run(g, table(falling, metric="accidents"), D(2026, 6, 30)).forecast
    assert f is not None and f.value == 0.0 and f.low == 0.0 and f.high >= 0.0
    share = goal(
        metric="share",
        unit="% satisfied",
        direction="increase",
        baseline={"value": 80.0, "date": "2025-12-31"},
        target={"value": 90.0, "date": "2026-12-31"},
    )
    rising = {f"2026-{m:02d}-01": 80.0 + 3 * m + (-1) ** m * 0.5 for m in range(1, 7)}
    f = run(share, table(rising, metric="share"), D(2026, 6, 30)).forecast
    assert f is not None and f.value == 100.0 and f.high == 100.0


def test_an_open_period_counts_for_nothing_and_is_shown_as_so_far() -> None:
    data = table({"2026-01-01": 3.9, "2026-02-01": 3.6, "2026-03-01": 2.5})
    # observations cover 10 March only: March is still open
    p = run(goal(), data, D(2026, 3, 10), complete_through=D(2026, 3, 10))
    assert p.current == pytest.approx(3.6) and p.current_period == D(2026, 2, 1)
    assert p.status != "achieved"  # 2.5 so far in March would read as the target reached
    assert (p.open_period, p.open_value) == (D(2026, 3, 1), pytest.approx(2.5))
    assert p.summary.endswith(
        " March so far: 2.5 errors / 1000 doses (not counted until the month is complete)."
    )
    assert list(p.series.index) == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    closed = run(goal(), data, D(2026, 3, 31), complete_through=D(2026, 3, 31))
    assert closed.open_period is None and closed.current == pytest.approx(2.5)


def test_achieved_needs_the_target_met_two_periods_in_a_row() -> None:
    once = table({"2026-01-01": 3.5, "2026-02-01": 2.9})
    assert run(goal(), once, D(2026, 2, 28)).status == "on-track"  # one lucky month
    twice = table({"2026-01-01": 2.95, "2026-02-01": 2.9})
    assert run(goal(), twice, D(2026, 2, 28)).status == "achieved"


def test_complete_through_follows_each_metric_cadence() -> None:
    from generator.analysis.periods import complete_through

    daily = pd.date_range("2026-11-01", "2026-11-23", freq="D")
    monthly = pd.date_range("2026-01-01", "2026-11-01", freq="MS")
    kpis = pd.DataFrame(
        {
            "date": [*daily, *monthly],
            "metric": ["calls"] * len(daily) + ["csat"] * len(monthly),
            "value": 1.0,
        }
    )
    through = complete_through(kpis)
    assert through["calls"] == D(2026, 11, 23)  # daily to the 23rd: November is open
    assert D(2026, 11, 30) <= through["csat"] < D(2026, 12, 31)  # November's figure is in
