"""sitemap.xml, the reviews' Atom feed and a description on every page (issue 13)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.build.builder import SiteBuilder

from .sitekit import MINIMAL_SITE, write_site

BASE = "https://intranet.example.org/goals/"


def test_sitemap_and_feed_with_an_absolute_base_url_only(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", dict(MINIMAL_SITE))
    assert SiteBuilder(site, site / "build").build().ok
    assert (
        not (site / "build/sitemap.xml").exists() and not (site / "build/reviews/feed.xml").exists()
    )
    assert SiteBuilder(site, site / "abs", base_url=BASE).build().ok
    out = site / "abs"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
    assert sorted(locs) == sorted(BASE + p.removesuffix("index.html") for p in pages)
    feed = ET.parse(out / "reviews/feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    reviews = [p for p in pages if re.match(r"reviews/\d{4}-\d\d/", p)]
    assert len(entries) == len(reviews) >= 1
    ids = [e.find("a:id", ns).text for e in entries]  # type: ignore[union-attr]
    assert ids == sorted(ids, reverse=True) and all(i.startswith(BASE + "reviews/") for i in ids)
    home = (out / "index.html").read_text()
    assert f'href="{BASE}reviews/feed.xml"' in home


def test_every_page_has_a_description(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", dict(MINIMAL_SITE))
    assert SiteBuilder(site, site / "build").build().ok
    seen = set()
    for page in (site / "build").rglob("*.html"):
        m = re.search(r'<meta name="description" content="([^"]+)">', page.read_text())
        assert m, page
        seen.add(m.group(1))
    goal = (site / "build/goals/grow-sales/index.html").read_text()
    assert re.search(
        r'<meta name="description" content="Sales per rep [^"]*target', goal, re.I
    ) or ('content="Grow sales' not in goal)
    assert len(seen) > 5  # specific, not one sentence for all
