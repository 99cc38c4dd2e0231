"""Files for machines that find and follow the site: ``sitemap.xml`` (every page) and
``reviews/feed.xml``, an Atom feed with an entry per period review.

Both need absolute addresses, so they are written only when ``site.base_url`` is one
(``https://intranet.example.org/goals/``); a site opened from disk or served under a bare
path (``/goals/``) has no use for them. Dates are the periods' own (a review is dated by
the day its figures are taken), never the build's clock: builds stay byte-identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from ..load.config import SiteConfig
    from .reviews import ReviewPage

SITEMAP = "sitemap.xml"
FEED = "reviews/feed.xml"


def feed_files(
    config: SiteConfig, outs: Sequence[str], reviews: Sequence[ReviewPage], as_of: dt.date
) -> dict[str, str]:
    """``sitemap.xml`` and the reviews' feed; nothing without an absolute ``base_url``
    (every page links the feed then, so it is written even before the first review)."""
    base = absolute_base(config.base_url)
    if base is None:
        return {}
    return {
        SITEMAP: sitemap_xml(base, outs),
        FEED: reviews_feed(base, config.title, reviews, as_of),
    }


def absolute_base(base_url: str) -> str | None:
    """``base_url`` with a trailing slash when it is an absolute http(s) address."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return base_url if base_url.endswith("/") else base_url + "/"


def _page_url(base: str, out: str) -> str:
    folder = out[: -len("index.html")] if out.endswith("index.html") else out
    return base + quote(folder)


def sitemap_xml(base: str, outs: Iterable[str]) -> str:
    """Every HTML page but the 404 page, in the order given."""
    urls = [
        f"  <url><loc>{escape(_page_url(base, out))}</loc></url>\n"
        for out in outs
        if out.endswith(".html") and out != "404.html"
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(urls)
        + "</urlset>\n"
    )


def reviews_feed(base: str, title: str, pages: Sequence[ReviewPage], as_of: dt.date) -> str:
    """Atom (RFC 4287): the newest review first; an entry's id is its page's address,
    which never changes (reviews are named by their period)."""
    entries = []
    for page in reversed(pages):
        review = page.review
        url = _page_url(base, page.href)
        updated = f"{review.period.as_of.isoformat()}T00:00:00Z"
        text = " ".join(review.summary)
        entries.append(
            "  <entry>\n"
            f"    <title>{escape('Review: ' + review.period.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(url)}"/>\n'
            f"    <id>{escape(url)}</id>\n"
            f"    <updated>{updated}</updated>\n"
            f"    <summary>{escape(text)}</summary>\n"
            "  </entry>\n"
        )
    newest = (pages[-1].review.period.as_of if pages else as_of).isoformat() + "T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{escape(title + ': reviews')}</title>\n"
        f'  <link rel="self" type="application/atom+xml" href="{escape(base + FEED)}"/>\n'
        f'  <link rel="alternate" type="text/html" href="{escape(base + "reviews/")}"/>\n'
        f"  <id>{escape(base + FEED)}</id>\n"
        + f"  <updated>{newest}</updated>\n"
        + "  <author><name>goalpath</name></author>\n"
        + "".join(entries)
        + "</feed>\n"
    )
