"""Charts draw in a real Chromium, offline: from a local server and from file://."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build.builder import SiteBuilder
from tests.browser_fixture import watch_page

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "build"
    result = SiteBuilder(REPO, out).build()
    assert result.ok, [p.format() for p in result.problems]
    return out


def _charts_drawn(page) -> list[dict]:
    page.wait_for_function(
        "document.querySelectorAll('.chart-canvas').length > 0 && "
        "[...document.querySelectorAll('.chart-canvas')].every(c => c.dataset.drawn)",
        timeout=15000,
    )
    return page.eval_on_selector_all(
        ".chart-canvas",
        """els => els.map(e => ({
            id: e.dataset.spec,
            marks: e.querySelectorAll('svg .mark-line path, svg .mark-symbol path,'
              + ' svg .mark-rect path, svg .mark-rule line, svg .mark-area path').length,
            width: e.getBoundingClientRect().width,
            height: e.getBoundingClientRect().height,
        }))""",
    )


def test_goal_page_charts_draw_and_nothing_leaves_localhost(page, static_server, example_site):
    base = static_server(example_site)
    requests, errors = watch_page(page)
    page.goto(base + "goals/reduce-medication-errors/index.html")
    charts = _charts_drawn(page)
    ids = {c["id"] for c in charts}
    assert {"kpi-chart-spec", "impact-chart-spec", "gap-chart-spec", "funnel-chart-spec"} <= ids
    for c in charts:
        assert c["marks"] > 0, c
        assert c["width"] > 200 and c["height"] > 50, c
    assert errors == []
    hosts = {urlsplit(u).hostname for u in requests}
    assert hosts == {"127.0.0.1"}, hosts
    # the generated sentence and the data table are there for screen readers and print
    summary = page.inner_text("#kpi-chart .chart-summary")
    assert "Medication errors" in summary and "%" in summary
    assert page.locator("#kpi-chart details.chart-data table tbody tr").count() > 5


def test_charts_draw_from_file_url(page, example_site):
    requests, errors = watch_page(page)
    page.goto((example_site / "paths/safe-medication/index.html").as_uri())
    charts = _charts_drawn(page)
    assert charts and all(c["marks"] > 0 for c in charts)
    assert errors == []
    assert {urlsplit(u).scheme for u in requests} == {"file"}


def test_dashboard_sparklines_and_attention_order(page, static_server, example_site):
    base = static_server(example_site)
    page.goto(base + "index.html")
    cards = page.eval_on_selector_all(
        ".goal-card", "els => els.map(e => [...e.classList].find(c => c.startsWith('status-')))"
    )
    assert len(cards) >= 6
    order = ["status-off-track", "status-at-risk"]
    # goals needing attention come first
    assert cards[0] in order
    assert page.locator(".gc-spark svg polyline").count() >= 5
    # filtering by department hides the other goals
    page.select_option("select[data-filter=department]", "Patient safety")
    visible = page.locator(".goal-card:visible").count()
    assert 0 < visible < len(cards)
