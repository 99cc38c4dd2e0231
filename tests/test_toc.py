""" "On this page" (issue 13): a table of contents on goal, path and review pages, made
from the sections they rendered; open and sticky beside the page on wide screens,
folded above it on phones."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.render.toc import MARK, insert_toc


def _section(ident: str, title: str) -> str:
    return f'<section class="panel" aria-labelledby="{ident}">\n  <h2 id="{ident}">{title}</h2>\n</section>'


def test_the_menu_lists_each_labelled_section_in_order() -> None:
    html = (
        f"<main>{MARK}<div>"
        + _section("a-h", "Where we are")
        + _section("b-h", 'SMART check <span class="badge">5/5</span>')
        + '<div class="prose"><h2 id="why">Why (author prose: not a section)</h2></div>'
        + _section("c-h", "Fish &amp; chips")
        + "</div></main>"
    )
    out = insert_toc(html)
    assert MARK not in out
    items = re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', out)
    assert items == [
        ("a-h", "Where we are"),
        ("b-h", "SMART check 5/5"),
        ("c-h", "Fish &amp; chips"),
    ]
    assert out.index('class="toc"') < out.index('id="a-h"')


def test_fewer_than_three_sections_get_no_menu_and_unmarked_pages_are_untouched() -> None:
    two = f"{MARK}" + _section("a", "A") + _section("b", "B")
    assert insert_toc(two) == two.replace(MARK, "")
    plain = _section("a", "A") * 4
    assert insert_toc(plain) == plain


@pytest.mark.parametrize(
    "page", ["goals/reduce-medication-errors/", "paths/safe-medication/", "reviews/latest/"]
)
def test_goal_path_and_review_pages_have_a_menu_of_their_sections(
    built_example_site: Path, page: str
) -> None:
    html = (built_example_site / page / "index.html").read_text(encoding="utf-8")
    menu = re.findall(
        r'<li><a href="#([^"]+)">', html.split('<nav class="toc"')[1].split("</nav>")[0]
    )
    sections = re.findall(r'<section\b[^>]*aria-labelledby="([^"]+)"[^>]*>\s*<h2 id="\1"', html)
    assert menu == sections and len(menu) >= 3
    for ident in menu:
        assert html.count(f'id="{ident}"') == 1  # every link has exactly one target


def test_list_and_content_pages_have_none(built_example_site: Path) -> None:
    for page in ("index.html", "goals/index.html", "about/index.html", "timeline/index.html"):
        html = (built_example_site / page).read_text(encoding="utf-8")
        assert 'class="toc"' not in html and MARK not in html, page


@pytest.mark.browser
def test_wide_screens_keep_the_menu_beside_the_page_and_phones_fold_it(
    browser: Any, static_server: Any, built_example_site: Path
) -> None:
    url = static_server(built_example_site) + "goals/reduce-medication-errors/"
    wide = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    wide.goto(url)
    toc = wide.locator("nav.toc")
    assert wide.locator("details.toc-fold").get_attribute("open") is not None
    main = wide.locator(".page-body").bounding_box()
    box = toc.bounding_box()
    assert box["x"] > main["x"] + main["width"] - 1  # beside the page, not above it
    wide.locator("nav.toc a", has_text="Actions").click()
    wide.wait_for_function("document.getElementById('actions-h').getBoundingClientRect().top < 40")
    assert wide.evaluate("window.scrollY") > 1000
    after = toc.bounding_box()
    assert 0 <= after["y"] < 100  # sticky: still in view after the jump
    wide.wait_for_function(
        "document.querySelector('nav.toc a[aria-current=\"true\"]')?.textContent === 'Actions'"
    )
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(url)
    assert phone.locator("details.toc-fold").get_attribute("open") is None
    phone.locator("nav.toc summary").click()
    assert phone.locator("nav.toc a", has_text="Actions").is_visible()
    phone_box = phone.locator("nav.toc").bounding_box()
    assert phone_box["y"] < phone.locator("h1").bounding_box()["y"]  # above the page
