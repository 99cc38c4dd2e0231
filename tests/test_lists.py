"""List pages (issue 13): ``goals/``, ``paths/``, a page per tag and per department, and
goal filters kept in the address. The pages as built first, then in real Chromium:
sorting, filtering, and a shared filter link over http and from file://."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build.builder import SiteBuilder
from generator.routes import term_slug

from .sitekit import MINIMAL_SITE, write_site

REPO = Path(__file__).resolve().parents[1]


def _href(folder: str) -> str:
    """A link to ``folder`` as pages write it: relative, ``index.html`` for file://."""
    return r'href="(?:\.\./)*' + re.escape(folder) + r'(?:index\.html)?"'


def _links(html: str, folder: str) -> bool:
    return re.search(_href(folder), html) is not None


def _front(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---\n"))


def _example_goals() -> dict[str, dict[str, Any]]:
    return {p.stem: _front(p) for p in sorted((REPO / "content/goals").glob("*.md"))}


def test_goals_page_lists_every_goal_with_its_department_owner_tags_and_status(
    built_example_site: Path,
) -> None:
    html = (built_example_site / "goals/index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr data-filter-item (.*?)</tr>", html, re.S)
    goals = _example_goals()
    assert len(rows) == len(goals)
    for gid, meta in goals.items():
        row = next(r for r in rows if _links(r, f"goals/{gid}/"))
        assert f'data-owner="{meta["owner"]}"' in row
        for tag in meta.get("tags", []):
            assert _links(row, f"tags/{term_slug(tag)}/")
        if meta.get("department"):
            assert _links(row, f"departments/{term_slug(meta['department'])}/")
        assert re.search(r'data-status="(on-track|at-risk|off-track|achieved|no-data)"', row)
    # the filters offer exactly the values the goals have
    owners = re.findall(
        r'<option value="([^"]+)">', html.split('data-param="owner"')[1].split("</select>")[0]
    )
    assert sorted(owners) == sorted({m["owner"] for m in goals.values()})


def test_paths_page_lists_every_path_and_breadcrumbs_link_to_the_lists(
    built_example_site: Path,
) -> None:
    html = (built_example_site / "paths/index.html").read_text(encoding="utf-8")
    for p in (REPO / "content/paths").glob("*.md"):
        assert _links(html, f"paths/{p.stem}/"), p.stem
    path_page = next((built_example_site / "paths").glob("*/index.html")).read_text()
    crumbs = path_page.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert re.search(_href("paths/") + ">Learning paths</a>", crumbs)
    goal_page = next((built_example_site / "goals").glob("*/index.html")).read_text()
    crumbs = goal_page.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert re.search(_href("goals/") + ">Goals</a>", crumbs)
    home = (built_example_site / "index.html").read_text()
    nav = home.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert _links(nav, "goals/") and _links(nav, "paths/")


def test_a_page_per_tag_and_department_with_exactly_their_goals(built_example_site: Path) -> None:
    goals = _example_goals()
    tags = {t for m in goals.values() for t in m.get("tags", [])}
    departments = {m["department"] for m in goals.values() if m.get("department")}
    for kind, names, field in (("tags", tags, "tags"), ("departments", departments, "department")):
        index = (built_example_site / kind / "index.html").read_text()
        for name in names:
            page = built_example_site / kind / term_slug(name) / "index.html"
            assert _links(index, f"{kind}/{term_slug(name)}/")
            html = page.read_text(encoding="utf-8")
            body = html.split("<tbody>")[1]
            listed = set(re.findall(r'href="(?:\.\./)*goals/([^/"]+)/(?:index\.html)?"', body))
            members = {
                g for g, m in goals.items() if name in (m.get(field) or []) or m.get(field) == name
            }
            assert listed == members, (kind, name)
    # a goal page's chips link to those pages
    gid, meta = next((g, m) for g, m in goals.items() if m.get("tags"))
    page = (built_example_site / "goals" / gid / "index.html").read_text()
    assert re.search(
        '<a class="tag" ' + _href(f"tags/{term_slug(meta['tags'][0])}/") + ' rel="tag">', page
    )


def test_spellings_of_one_tag_share_a_page_and_odd_names_get_a_safe_folder(tmp_path: Path) -> None:
    goal = MINIMAL_SITE["content/goals/grow-sales.md"]
    assert isinstance(goal, str)
    site = write_site(
        tmp_path / "site",
        {
            **MINIMAL_SITE,
            "content/goals/grow-sales.md": goal.replace(
                "target_groups: [reps]", "target_groups: [reps]\n        tags: [HR, 人事, '../x']"
            ),
            "content/goals/company.md": str(MINIMAL_SITE["content/goals/company.md"]).replace(
                "owner: CEO", "owner: CEO\n        tags: [hr]"
            ),
        },
    )
    assert SiteBuilder(site, site / "build").build().ok
    tags = sorted(p.name for p in (site / "build/tags").iterdir() if p.is_dir())
    assert tags == sorted(["hr", term_slug("人事"), "x"]) and term_slug("人事").startswith("x-")
    hr = (site / "build/tags/hr/index.html").read_text()
    assert "grow-sales/" in hr and "company/" in hr


def test_a_page_may_not_take_a_list_pages_folder(tmp_path: Path) -> None:
    for ident in ("tags", "departments"):
        site = write_site(
            tmp_path / ident, {**MINIMAL_SITE, f"content/pages/{ident}.md": "---\ntitle: X\n---\n"}
        )
        result = SiteBuilder(site, site / "build").build()
        assert not result.ok
        assert any("reserved" in p.message for p in result.problems)


# -- in Chromium ---------------------------------------------------------------------------


def _visible_goals(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#goal-table tbody tr:not([hidden]) td:first-child a", "els => els.map(e => e.textContent)"
    )


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["http", "file"])
def test_a_shared_filter_link_opens_filtered_and_choices_update_the_address(
    page: Any, static_server: Any, built_example_site: Path, scheme: str
) -> None:
    goals = _example_goals()
    tag = "healthcare"
    members = {m["title"] for m in goals.values() if tag in m.get("tags", [])}
    assert len(members) >= 2
    base = (
        static_server(built_example_site) if scheme == "http" else built_example_site.as_uri() + "/"
    )
    index = "" if scheme == "http" else "index.html"
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}goals/{index}?tag={tag}")
    assert set(_visible_goals(page)) == members
    assert page.locator("select[data-param=tag]").input_value() == tag
    assert page.locator(".filter-count").text_content() == f"{len(members)} of {len(goals)} goals"
    status = page.eval_on_selector(
        "#goal-table tbody tr:not([hidden])", "el => el.getAttribute('data-status')"
    )
    page.select_option("select[data-param=status]", status)
    assert f"tag={tag}" in page.url and f"status={status}" in page.url
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)  # the link as someone else opens it
    shown = _visible_goals(page)
    assert shown and set(shown) <= members
    assert page.locator("select[data-param=status]").input_value() == status
    page.select_option("select[data-param=tag]", "")
    assert "tag=" not in page.url and f"status={status}" in page.url
    # the dashboard reads the same parameters
    page.goto(f"{base}{index}?department=Sales")
    cards = page.eval_on_selector_all(
        "#goal-list > li:not([hidden])", "els => els.map(e => e.getAttribute('data-department'))"
    )
    assert cards and set(cards) == {"Sales"}
    assert errors == []


@pytest.mark.browser
def test_sorting_a_column_orders_the_rows_and_says_so(
    page: Any, static_server: Any, built_example_site: Path
) -> None:
    page.goto(static_server(built_example_site) + "goals/")
    deadline = page.locator("#goal-table th", has_text="Deadline")
    deadline.locator("button").click()
    assert deadline.get_attribute("aria-sort") == "ascending"
    days = page.eval_on_selector_all(
        "#goal-table tbody td:nth-child(6)", "els => els.map(e => e.getAttribute('data-sort'))"
    )
    assert days == sorted(days) and len(set(days)) > 1
    deadline.locator("button").click()
    assert deadline.get_attribute("aria-sort") == "descending"
    again = page.eval_on_selector_all(
        "#goal-table tbody td:nth-child(6)", "els => els.map(e => e.getAttribute('data-sort'))"
    )
    assert again == sorted(days, reverse=True)
    assert page.locator("#goal-table th[aria-sort]").count() == 1
    progress = page.locator("#goal-table th", has_text="Progress")
    progress.locator("button").click()
    values = page.eval_on_selector_all(
        "#goal-table tbody td:nth-child(7)",
        "els => els.map(e => parseFloat(e.getAttribute('data-sort')))",
    )
    assert values == sorted(values)  # as numbers, not text ("9" after "10")
