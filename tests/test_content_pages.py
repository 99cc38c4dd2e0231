"""Free pages: which ones the navigation lists (those that ask: a weight, or nav: true),
in what order, and the Hugo-style front-matter a page may carry (date, tags, summary)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.test_build import build, read

PAGES: dict[str, str | bytes] = {
    "content/pages/about.md": "---\ntitle: About\norder: 2\n---\nAbout.\n",
    "content/pages/method.md": "---\ntitle: Method\nweight: 1\n---\nHow.\n",
    "content/pages/asked.md": "---\ntitle: Asked in\nnav: true\n---\nIn the menu.\n",
    "content/pages/hidden.md": "---\ntitle: Hidden\nweight: 0\nnav: false\n---\nNot listed.\n",
    "content/pages/notes.md": (
        "---\ntitle: Release notes\ndate: 2026-11-30\ntags: [method, reviews]\n"
        "summary: What changed in the November review.\n---\nNotes body.\n"
    ),
}


def search_records(root: Path) -> list[dict[str, str]]:
    script = read(root, "search/index.js")
    return json.loads(script.split("=", 1)[1].strip().rstrip(";"))


def nav_titles(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "no main navigation"
    return re.findall(r">([^<>]+)</a>", nav.group(1))


def test_the_navigation_lists_the_pages_that_ask_in_weight_order(make_site):
    root = make_site(PAGES)
    code, err = build(root)
    assert code == 0, err
    titles = nav_titles(read(root, "index.html"))
    pages = [t for t in titles if t in {"About", "Method", "Asked in", "Hidden", "Release notes"}]
    # weighted first (lower first; order is weight's older name), then nav: true at 100
    assert pages == ["Method", "About", "Asked in"]
    # pages left out of the menu are still written and found by the search
    assert "Notes body." in read(root, "notes/index.html")
    assert "Not listed." in read(root, "hidden/index.html")
    records = search_records(root)
    titles_found = {r["title"] for r in records if r["kind"] == "Page"}
    assert {"Hidden", "Release notes"} <= titles_found


def test_a_page_shows_its_date_tags_and_summary(make_site):
    root = make_site(PAGES)
    code, err = build(root)
    assert code == 0, err
    html = read(root, "notes/index.html")
    assert '<time datetime="2026-11-30">' in html
    assert '<span class="tag">method</span><span class="tag">reviews</span>' in html
    assert '<meta name="description" content="What changed in the November review.">' in html
    about = read(root, "about/index.html")
    assert "page-meta" not in about  # no summary: the generic description
    assert '<meta name="description" content="About · Test Org">' in about
    records = search_records(root)
    notes = next(r for r in records if r["title"] == "Release notes")
    assert "What changed in the November review." in notes["meta"]
    assert notes["text"].startswith("method reviews")


def test_weight_and_order_together_is_one_clear_error(make_site):
    root = make_site(
        {"content/pages/about.md": "---\ntitle: About\norder: 1\nweight: 2\n---\nAbout.\n"}
    )
    code, err = build(root)
    assert code == 1
    assert "content/pages/about.md" in err and "weight or order" in err
    assert "Traceback" not in err


def test_a_site_of_pages_only_builds_without_a_kpi_warning(tmp_path: Path):
    root = tmp_path / "site"
    (root / "content" / "pages").mkdir(parents=True)
    (root / "goalpath.toml").write_text('[site]\ntitle = "Handbook"\n', encoding="utf-8")
    for n in range(3):
        (root / "content" / "pages" / f"p{n}.md").write_text(
            f"---\ntitle: Page {n}\n---\nText {n}.\n", encoding="utf-8"
        )
    code, err = build(root)
    assert code == 0, err
    assert "KPI" not in err
    assert "Text 2." in (root / "build" / "p2" / "index.html").read_text(encoding="utf-8")
