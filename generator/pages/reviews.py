"""Period reviews as the pages show them: the comparisons, their charts and the links.

:func:`review_extra` returns two entries for ``RenderState.extra``: ``reviews``, one
:class:`ReviewPage` per period (oldest first, see ``analysis/reviews.py``), and
``review_links``, goal id → the reviews that show the goal (newest first) for its
page's review history. :class:`ReviewMemo` keeps the result between builds while the
inputs it reads (config, data, goal and path front matter, report date) are unchanged.
The charts are ``charts/review_progress.py`` and ``charts/review_learning.py``
(``charts.catalogue.REVIEW_CHARTS``). Pure: no files, no HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analysis.reviews import Review, analyse_reviews
from ..charts.base import ChartSpec
from ..charts.catalogue import review_charts
from ..model.site import Site
from ..routes import review_dir


@dataclass(frozen=True)
class ReviewPage:
    """One review with what its page needs besides the comparison."""

    review: Review
    href: str
    """Site-relative folder, e.g. ``reviews/2026-10/`` (stable: named by the period)."""
    charts: dict[str, ChartSpec]
    """``progress`` and ``learning``, when there is something to draw."""
    older: str | None
    """Label of the review before this one, if any."""
    newer: str | None
    """Label of the review after this one, if any."""
    key: str = ""
    """What the page was made from (:func:`reviews_key` and its period), for the page
    cache: hashing the page itself cost seconds on a large site, and every review is a
    function of the same inputs."""


def review_href(label: str) -> str:
    return review_dir(label)


def reviews_key(site: Site, dataset: Any, as_of: Any) -> str:
    """A digest of everything the reviews read: config, data, report date, front-matter."""
    from ..build.memo import meta_keys
    from ..digest import digest

    return digest([site.config, dataset.fingerprint, as_of, sorted(meta_keys(site).items())])


def review_pages(site: Site, reviews: list[Review], key: str) -> list[ReviewPage]:
    """One page per review; ``key`` is :func:`reviews_key` of the inputs."""
    labels = [r.period.label for r in reviews]
    out = []
    for i, r in enumerate(reviews):
        charts = review_charts(r)
        out.append(
            ReviewPage(
                r,
                review_href(r.period.label),
                charts,
                labels[i - 1] if i > 0 else None,
                labels[i + 1] if i + 1 < len(labels) else None,
                f"{key}:{r.period.label}",
            )
        )
    return out


def review_links(pages: list[ReviewPage]) -> dict[str, list[dict[str, str]]]:
    """Goal id → ``{href, label, status}`` per review, newest first."""
    links: dict[str, list[dict[str, str]]] = {}
    for page in reversed(pages):
        for g in page.review.goals:
            links.setdefault(g.goal, []).append(
                {"href": page.href, "label": page.review.period.title, "status": g.status_now}
            )
    return links


def review_extra(site: Site, dataset: Any, analysis: Any) -> dict[str, Any]:
    """``reviews`` and ``review_links`` for ``RenderState.extra``."""
    cfg = site.config
    reviews = analyse_reviews(
        site,
        dataset,
        as_of=analysis.as_of,
        cadence=cfg.review_period or cfg.period,
        limit=cfg.review_limit,
    )
    pages = review_pages(site, reviews, reviews_key(site, dataset, analysis.as_of))
    return {"reviews": pages, "review_links": review_links(pages)}


class ReviewMemo:
    """:func:`review_extra`, computed again only when what it reads has changed; then
    only the goals and paths whose inputs changed get new snapshots
    (``incremental.ReviewSnapshots``)."""

    def __init__(self) -> None:
        from ..build.memo import ReviewSnapshots

        self._last: tuple[str, dict[str, Any]] | None = None
        self.snapshots = ReviewSnapshots()

    def get(self, site: Site, dataset: Any, analysis: Any) -> dict[str, Any]:
        key = reviews_key(site, dataset, analysis.as_of)
        if self._last is None or self._last[0] != key:
            reviews = self.snapshots.reviews(site, dataset, analysis.as_of)
            pages = review_pages(site, reviews, key)
            self._last = (key, {"reviews": pages, "review_links": review_links(pages)})
        return self._last[1]
