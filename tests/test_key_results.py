"""Several key results per goal (issue 13): ``kpis:`` as a list, each with a weight; each
key result analysed as the goal's one KPI would be; the goal's status the weakest key
result's and its progress their weighted mean (docs/analysis.md); a single ``kpi:``
still valid. The model, the rule, then a built site: page, API, review, frozen review."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.analysis.progress import combine_key_results
from generator.build.builder import SiteBuilder
from generator.build.inputs import load_inputs
from generator.errors import Problems
from generator.model.schema import GoalMeta, KeyResult

from .sitekit import MINIMAL_SITE, site_from, write_site

KPI_A = {
    "metric": "sales_per_rep",
    "name": "sales per rep",
    "unit": "k EUR",
    "direction": "increase",
    "baseline": {"value": 10, "date": "2025-06-30"},
    "target": {"value": 12, "date": "2026-12-31"},
}
KPI_B = {
    "metric": "calls_per_rep",
    "name": "calls per rep",
    "direction": "decrease",
    "baseline": {"value": 50, "date": "2025-06-30"},
    "target": {"value": 40, "date": "2027-06-30"},
}


def _goal(**kw: Any) -> dict[str, Any]:
    return {"title": "Grow", "owner": "Head of Sales", **kw}


# ---------------------------------------------------------------- the model


def test_a_goal_takes_kpi_or_kpis_and_the_first_key_result_is_the_headline() -> None:
    one = GoalMeta.model_validate({"id": "g", **_goal(kpi=KPI_A)})
    assert [kr.metric for kr in one.key_results] == ["sales_per_rep"]
    assert one.key_results[0].weight == 1.0
    two = GoalMeta.model_validate({"id": "g", **_goal(kpis=[{**KPI_A, "weight": 2}, KPI_B])})
    assert two.kpi.metric == "sales_per_rep"
    assert [(kr.metric, kr.weight) for kr in two.key_results] == [
        ("sales_per_rep", 2.0),
        ("calls_per_rep", 1.0),
    ]


@pytest.mark.parametrize(
    ("meta", "says"),
    [
        (_goal(), "kpi (one KPI) or kpis"),
        (_goal(kpi=KPI_A, kpis=[KPI_B]), "not both"),
        (_goal(kpis=[{**KPI_A, "weight": 0}]), "greater than 0"),
        (_goal(kpis=[{**KPI_A, "colour": "red"}]), "unknown field"),
    ],
)
def test_wrong_key_results_are_named(tmp_path: Path, meta: dict[str, Any], says: str) -> None:
    import yaml

    files = dict(MINIMAL_SITE)
    files["content/goals/grow-sales.md"] = "---\n" + yaml.safe_dump(meta) + "---\nText.\n"
    root = write_site(tmp_path / "site", files)
    problems = Problems()
    load_inputs(root, problems)
    text = "\n".join(p.format() for p in problems)
    assert "content/goals/grow-sales.md" in text and says in text, text


def test_two_key_results_on_one_number_are_an_error_at_the_second(tmp_path: Path) -> None:
    files = dict(MINIMAL_SITE)
    files["content/goals/grow-sales.md"] = (
        "---\ntitle: Grow\nowner: Head\nkpis:\n"
        "  - {metric: sales_per_rep, direction: increase, target: {value: 12, date: 2026-12-31}}\n"
        "  - {metric: sales_per_rep, direction: increase, target: {value: 13, date: 2026-12-31}}\n"
        "---\n"
    )
    root = write_site(tmp_path / "site", files)
    problems = Problems()
    assert load_inputs(root, problems) is None
    (err,) = [p for p in problems.errors if "second key result" in p.message]
    assert err.line == 6 and err.field == "kpis[1].metric"


def test_a_key_results_metric_without_data_is_a_warning_at_its_line(tmp_path: Path) -> None:
    files = dict(MINIMAL_SITE)
    files["content/goals/grow-sales.md"] = (
        "---\ntitle: Grow\nowner: Head\nkpis:\n"
        "  - {metric: sales_per_rep, direction: increase, target: {value: 12, date: 2026-12-31}}\n"
        "  - {metric: sales_per_rp, direction: increase, target: {value: 13, date: 2026-12-31}}\n"
        "---\n"
    )
    root = write_site(tmp_path / "site", files)
    problems = Problems()
    load_inputs(root, problems)
    (warn,) = [p for p in problems.warnings if "sales_per_rp" in p.message]
    assert warn.line == 6 and warn.field == "kpis[1].metric"
    assert "did you mean" in (warn.hint or "")


# ---------------------------------------------------------------- the rule


def _progress(status: str, progress: float | None, expected: float | None) -> Any:
    import pandas as pd

    from generator.analysis.progress import STATUS_LABELS, GoalProgress

    return GoalProgress(
        status=status,  # type: ignore[arg-type]
        status_label=STATUS_LABELS[status],
        as_of=dt.date(2026, 6, 30),
        current=1.0,
        current_period=dt.date(2026, 6, 1),
        baseline=0.0,
        baseline_date=dt.date(2025, 6, 30),
        baseline_source="value",
        target=2.0,
        target_date=dt.date(2026, 12, 31),
        progress=progress,
        expected_progress=expected,
        gap_points=None,
        forecast=None,
        stale=status == "stale",
        last_observation=dt.date(2026, 6, 30),
        series=pd.Series(dtype=float),
        expected_path=[],
        summary="",
        confidence_conflict=None,
    )


def _kr(weight: float, name: str = "k") -> KeyResult:
    return KeyResult.model_validate({**KPI_A, "name": name, "weight": weight})


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["on-track", "on-track"], "on-track"),
        (["achieved", "achieved"], "achieved"),
        (["achieved", "on-track"], "on-track"),
        (["on-track", "off-track"], "off-track"),
        (["at-risk", "off-track", "on-track"], "off-track"),
        (["on-track", "stale"], "stale"),
        (["on-track", "no-data"], "no-data"),
        (["off-track", "no-data"], "off-track"),
        (["not-started", "on-track"], "not-started"),
    ],
)
def test_the_goal_is_as_far_as_its_weakest_key_result(statuses: list[str], expected: str) -> None:
    meta = GoalMeta.model_validate({"id": "g", **_goal(kpi=KPI_A)})
    # the heavy key result on track does not outweigh a light one behind
    parts = [
        (_kr(100.0 if i == 0 else 1.0), _progress(s, 0.5, 0.5)) for i, s in enumerate(statuses)
    ]
    assert combine_key_results(meta, parts, dt.date(2026, 6, 30)).status == expected


def test_progress_is_the_weighted_mean_of_clipped_progress() -> None:
    meta = GoalMeta.model_validate({"id": "g", **_goal(kpi=KPI_A)})
    parts = [
        (_kr(3.0, "a"), _progress("on-track", 1.8, 0.6)),  # far past its target: counts as 1
        (_kr(1.0, "b"), _progress("off-track", -0.2, 0.2)),  # moved away: counts as 0
    ]
    got = combine_key_results(meta, parts, dt.date(2026, 6, 30))
    assert got.progress == pytest.approx((3 * 1.0 + 1 * 0.0) / 4)
    assert got.expected_progress == pytest.approx((3 * 0.6 + 1 * 0.2) / 4)
    assert got.gap_points == pytest.approx((0.5 - 0.75) * 100)
    assert "2 key results: 1 off track (b), 1 on track" in got.summary
    assert "75% of the way, weighted (plan: 50%)" in got.summary
    assert got.status_range is None


def test_no_combined_progress_while_a_key_result_has_none() -> None:
    meta = GoalMeta.model_validate({"id": "g", **_goal(kpi=KPI_A)})
    parts = [
        (_kr(1.0), _progress("on-track", 0.5, 0.5)),
        (_kr(1.0), _progress("no-data", None, 0.4)),
    ]
    got = combine_key_results(meta, parts, dt.date(2026, 6, 30))
    assert got.progress is None and got.gap_points is None
    assert "no combined progress until every key result has a figure" in got.summary


# ---------------------------------------------------------------- a site


def _calls_rows() -> str:
    lines = []
    for i in range(18):
        y, m = 2025 + i // 12, i % 12 + 1
        lines.append(f"{y}-{m:02d}-15,calls_per_rep,{50 - 0.4 * i + (0.3 if i % 2 else -0.3):.2f},")
    return "\n".join(lines) + "\n"


def _okr_site(tmp_path: Path) -> Path:
    files = dict(MINIMAL_SITE)
    files["data/kpis.csv"] = str(files["data/kpis.csv"]) + _calls_rows()
    files["content/goals/grow-sales.md"] = str(files["content/goals/grow-sales.md"]).replace(
        """        kpi:
          metric: sales_per_rep
          unit: k EUR
          direction: increase
          baseline: {value: 10, date: 2025-06-30}
          target: {value: 12, date: 2026-12-31}
""",
        """        kpis:
          - metric: sales_per_rep
            unit: k EUR
            direction: increase
            baseline: {value: 10, date: 2025-06-30}
            target: {value: 12, date: 2026-12-31}
            weight: 2
          - metric: calls_per_rep
            name: calls per rep
            direction: decrease
            baseline: {value: 50, date: 2025-06-30}
            target: {value: 40, date: 2027-06-30}
""",
    )
    assert "kpis:" in files["content/goals/grow-sales.md"]
    return write_site(tmp_path / "site", files)


def test_each_key_result_is_analysed_as_the_goals_one_kpi_would_be(tmp_path: Path) -> None:
    from generator.analysis.site import analyse_site

    root = _okr_site(tmp_path)
    inputs = load_inputs(root, Problems())
    assert inputs is not None
    okr = analyse_site(inputs.site, inputs.dataset).goals["grow-sales"]
    assert [kr.number for kr in okr.key_results] == [1, 2]
    for kr in okr.key_results:
        alone_meta = inputs.site.goals["grow-sales"].meta.model_dump()
        alone_meta.pop("kpis")
        alone_meta["kpi"] = {k: v for k, v in kr.kpi.model_dump().items() if k != "weight"}
        single = site_from(
            {"grow-sales": alone_meta, "company": inputs.site.goals["company"].meta.model_dump()},
            {"selling": inputs.site.paths["selling"].meta.model_dump()},
            warnings_ok=True,
            as_of=dt.date(2026, 6, 30),
        )
        ga = analyse_site(single, inputs.dataset).goals["grow-sales"]
        mine, theirs = kr.analysis.progress, ga.progress
        for name in ("status", "current", "progress", "expected_progress", "gap_points", "level"):
            assert getattr(mine, name) == getattr(theirs, name), (kr.number, name)
        assert [i.estimate for i in kr.analysis.impacts] == [i.estimate for i in ga.impacts]
    parts = [(kr.kpi, kr.analysis.progress) for kr in okr.key_results]
    assert okr.progress == combine_key_results(
        inputs.site.goals["grow-sales"].meta, parts, okr.progress.as_of
    )


def test_a_built_site_shows_every_key_result(tmp_path: Path) -> None:
    root = _okr_site(tmp_path)
    result = SiteBuilder(root).build()
    assert result.ok, [p.format() for p in result.problems]
    out = root / "build"
    page = (out / "goals/grow-sales/index.html").read_text(encoding="utf-8")
    table = page.split('class="data kr-table"')[1].split("</table>")[0]
    assert len(re.findall(r"<tr><th scope=\"row\">", table)) == 2
    assert 'id="key-result-1"' in page and 'id="key-result-2"' in page
    assert 'id="kpi-chart"' in page and 'id="key-result-2-chart"' in page
    assert "The goal's status is its weakest key result's" in page
    goals = json.loads((out / "api/goals.json").read_text(encoding="utf-8"))["goals"]
    g = next(x for x in goals if x["id"] == "grow-sales")
    assert [(k["metric"], k["weight"]) for k in g["key_results"]] == [
        ("sales_per_rep", 2.0),
        ("calls_per_rep", 1.0),
    ]
    assert g["deadline"] == "2027-06-30"  # the later key result's
    worst = min((k["status"] for k in g["key_results"]), key=lambda s: _rank(s))
    assert g["status"] == worst
    company = next(x for x in goals if x["id"] == "company")
    assert len(company["key_results"]) == 1 and company["key_results"][0]["weight"] == 1.0
    home = (out / "index.html").read_text(encoding="utf-8")
    card = home.split('class="kr-mini plain"')[1].split("</ul>")[0]
    assert "Calls per rep" in card and "Sales per rep" in card
    review = (out / "reviews/2026-06/index.html").read_text(encoding="utf-8")
    moves = review.split('class="data kpi-moves"')[1].split("</table>")[0]
    assert 'class="kr-row"' in moves and "Calls per rep" in moves


def _rank(status: str) -> int:
    from generator.analysis.progress import STATUS_RANK

    return STATUS_RANK[status]


def test_a_frozen_review_lists_a_second_key_results_correction(tmp_path: Path) -> None:
    from generator.cli import main

    root = _okr_site(tmp_path)
    assert main(["review", "freeze", "--site", str(root), "--today", "2026-07-02"]) == 0
    kpis = root / "data/kpis.csv"
    text = kpis.read_text(encoding="utf-8")
    text = re.sub(r"2026-05-15,calls_per_rep,[0-9.]+,", "2026-05-15,calls_per_rep,30.00,", text)
    text = re.sub(r"2026-06-15,calls_per_rep,[0-9.]+,", "2026-06-15,calls_per_rep,31.00,", text)
    kpis.write_text(text, encoding="utf-8")
    assert SiteBuilder(root).build().ok
    page = (root / "build/reviews/2026-06/index.html").read_text(encoding="utf-8")
    note = page.split('class="notice frozen')[1].split("</section>")[0]
    assert "calls per rep: the June 2026 figure is 31" in note
