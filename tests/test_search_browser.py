"""The client-side search in a real Chromium: typed like a user, offline, http and file://.

The site is the minimal one with words planted where only the search index can find
them: one in a goal's Markdown narrative, one in a path's body, one in a page's body.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build.builder import SiteBuilder
from tests.browser_fixture import watch_page

pytestmark = pytest.mark.browser

GOAL_WORD = "quokkaborough"  # only in grow-sales' narrative
PATH_WORD = "heliotropium"  # only in the selling path's body
PAGE_WORD = "marzipanic"  # only in the about page's body
SHOTS = Path("/tmp/shots")


@pytest.fixture
def search_site(make_site, tmp_path: Path) -> Path:
    root = make_site(
        {
            "content/goals/grow-sales.md": f"""
                ---
                title: Grow sales in the north by 10%
                owner: Head of Sales
                department: Sales
                target_groups: [reps]
                kpi:
                  metric: sales_per_rep
                  unit: k EUR
                  direction: increase
                  baseline: {{value: 10, date: 2025-06-30}}
                  target: {{value: 12, date: 2026-12-31}}
                learning_paths: [selling]
                monitoring: {{control_group: south}}
                actions: [Train reps in value selling]
                ---
                ## Why

                Reps in the **{GOAL_WORD.capitalize()}** office discount too early.
            """,
            "content/paths/selling.md": f"""
                ---
                title: Value selling
                goals: [grow-sales]
                cohorts:
                  - {{id: north, name: North team, start: 2025-09-01, size: 8}}
                  - {{id: south, name: South team, start: 2026-09-01, size: 8}}
                activities:
                  - {{id: intro, title: Intro course, kind: course, week: 1, hours: 2}}
                  - {{id: exam, title: Exam, kind: assessment, week: 3, pass_score: 75}}
                ---
                Taught in the {PATH_WORD} room.
            """,
            "content/pages/about.md": f"""
                ---
                title: About
                order: 1
                ---
                About this site and its {PAGE_WORD} history.
            """,
        }
    )
    out = tmp_path / "build"
    result = SiteBuilder(root, out).build()
    assert result.ok, [p.format() for p in result.problems]
    index = (out / "search/index.js").read_text(encoding="utf-8")
    assert GOAL_WORD in index.lower() and PATH_WORD in index and PAGE_WORD in index
    # the planted word is in the narrative only: the goal's title and meta lack it
    assert GOAL_WORD not in (root / "content/goals/grow-sales.md").read_text().split("---")[1]
    return out


def _search(page, text: str) -> list[dict]:
    box = page.locator("form.search input")
    box.click()
    box.fill("")
    page.keyboard.type(text, delay=20)
    page.wait_for_selector(".search-results:not([hidden]) li")
    return page.eval_on_selector_all(
        ".search-results li",
        """els => els.map(li => ({
            text: li.textContent,
            kind: li.querySelector('.kind')?.textContent ?? null,
            meta: li.querySelector('small')?.textContent ?? null,
            href: li.querySelector('a')?.href ?? null,
            cls: li.className,
        }))""",
    )


def _find_and_follow(page, start: str, expect_path: str) -> None:
    page.goto(start)
    hits = _search(page, GOAL_WORD[:9].upper())  # case does not matter, nor a whole word
    assert len(hits) == 1, hits
    assert hits[0]["kind"] == "Goal"
    assert hits[0]["text"].startswith("GoalGrow sales in the north by 10%")
    assert hits[0]["meta"].startswith("Sales · Head of Sales · ")  # department, owner, status
    assert hits[0]["href"].endswith(expect_path), hits[0]["href"]
    page.click(".search-results li a")
    page.wait_for_url("**/" + expect_path)
    assert page.inner_text("h1") == "Grow sales in the north by 10%"


def test_search_finds_goal_by_narrative_word_over_http(page, static_server, search_site) -> None:
    base = static_server(search_site)
    requests, errors = watch_page(page)
    # from a page two folders deep, so the result link must climb back to the root
    _find_and_follow(page, base + "paths/selling/index.html", "goals/grow-sales/index.html")
    assert errors == []
    assert {urlsplit(u).hostname for u in requests} == {"127.0.0.1"}
    assert any(u.endswith("/search/index.js") for u in requests)


def test_search_finds_goal_by_narrative_word_from_file_url(page, search_site) -> None:
    requests, errors = watch_page(page)
    start = (search_site / "goals/company/index.html").as_uri()
    _find_and_follow(page, start, "goals/grow-sales/index.html")
    assert page.url == (search_site / "goals/grow-sales/index.html").as_uri()
    assert errors == []
    assert {urlsplit(u).scheme for u in requests} == {"file"}


def test_search_finds_paths_and_pages_and_says_when_nothing_matches(
    page, static_server, search_site
) -> None:
    base = static_server(search_site)
    requests, errors = watch_page(page)
    page.goto(base + "index.html")
    hits = _search(page, PATH_WORD)
    assert len(hits) == 1
    assert (hits[0]["kind"], hits[0]["meta"]) == ("Learning path", "Blended · 3 weeks")
    assert hits[0]["text"] == "Learning pathValue sellingBlended · 3 weeks"
    assert hits[0]["href"] == base + "paths/selling/index.html"
    hits = _search(page, PAGE_WORD)
    assert len(hits) == 1
    assert (hits[0]["kind"], hits[0]["text"], hits[0]["meta"]) == ("Page", "PageAbout", None)
    assert hits[0]["href"] == base + "about/index.html"
    hits = _search(page, "zzqqxx")
    assert hits == [
        {
            "text": "No goal, path or page matches.",
            "kind": None,
            "meta": None,
            "href": None,
            "cls": "empty",
        }
    ]
    # Enter follows the first result; a title match ranks above a body match
    hits = _search(page, "selling")
    assert len(hits) >= 2 and hits[0]["text"].startswith("Learning pathValue selling")
    page.keyboard.press("Enter")
    page.wait_for_url("**/paths/selling/index.html")
    assert errors == []
    assert {urlsplit(u).hostname for u in requests} == {"127.0.0.1"}


def test_escape_hides_results_and_slash_focuses_the_box(page, static_server, search_site) -> None:
    base = static_server(search_site)
    page.goto(base + "index.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("value")
    page.wait_for_selector(".search-results:not([hidden]) li")
    page.keyboard.press("Escape")
    assert page.locator(".search-results").is_hidden()
    # typing again opens it (Escape also emptied the search box); a click elsewhere closes it
    page.keyboard.type("sales")
    page.wait_for_selector(".search-results:not([hidden]) li")
    page.click("h1")
    assert page.locator(".search-results").is_hidden()


def test_screenshot_of_search_results(page, static_server, search_site) -> None:
    base = static_server(search_site)
    page.goto(base + "goals/company/index.html")
    assert len(_search(page, "selling")) >= 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "search.png"))
    box = page.locator(".search-results").bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    # the list opens below the box, inside the window
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["height"] > 40
