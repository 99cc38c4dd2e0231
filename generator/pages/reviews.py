"""Period reviews as the pages show them: the comparisons, their charts and the links.

:func:`review_views` returns :class:`ReviewViews`: one :class:`ReviewPage` per period
(oldest first, see ``analysis/reviews.py``) and, per goal, the reviews that show it
(newest first) for its page's review history. ``build.review_memo.ReviewMemo`` keeps them
between builds while the inputs they read (config, data, goal and path front matter,
report date) are unchanged.
The charts are ``charts/review_progress.py`` and ``charts/review_learning.py``
(``charts.catalogue.REVIEW_CHARTS``). Pure: no files, no HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..analysis.frozen import FrozenNote, FrozenReview, note_for
from ..analysis.reviews import Review
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
    """What the page was made from (``build.review_memo.reviews_key`` and its period), for the page
    cache: hashing the page itself cost seconds on a large site, and every review is a
    function of the same inputs."""
    frozen: FrozenNote | None = None
    """Set when the review is shown from its frozen file (``reviews/<period>.json``):
    when it was frozen and what today's plan and data would say otherwise."""


def review_href(label: str) -> str:
    return review_dir(label)


def review_pages(
    site: Site,
    reviews: list[Review],
    key: str,
    frozen: Mapping[str, FrozenReview] | None = None,
) -> list[ReviewPage]:
    """One page per review, oldest first; ``key`` is ``build.review_memo.reviews_key`` of
    the inputs. A period with a frozen review shows the frozen one, with a note of what
    the live review (``reviews``) says otherwise; a frozen review of another cadence
    is shown as it is."""
    frozen = frozen or {}
    live = {r.period.label: r for r in reviews}
    shown: list[tuple[Review, FrozenNote | None]] = [
        (frozen[r.period.label].review, note_for(frozen[r.period.label], r))
        if r.period.label in frozen
        else (r, None)
        for r in reviews
    ]
    shown += [(f.review, note_for(f, None)) for label, f in frozen.items() if label not in live]
    shown.sort(key=lambda rn: (rn[0].period.start, rn[0].period.end))
    labels = [r.period.label for r, _ in shown]
    out = []
    for i, (r, note) in enumerate(shown):
        charts = review_charts(r)
        out.append(
            ReviewPage(
                r,
                review_href(r.period.label),
                charts,
                labels[i - 1] if i > 0 else None,
                labels[i + 1] if i + 1 < len(labels) else None,
                f"{key}:{r.period.label}",
                note,
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


@dataclass(frozen=True)
class ReviewViews:
    """Every period review's page, oldest first, and each goal's review links."""

    pages: tuple[ReviewPage, ...] = ()
    links: Mapping[str, Sequence[Mapping[str, str]]] = field(default_factory=dict)
    """Goal id → ``{href, label, status}`` per review that shows it, newest first."""


def review_views(
    site: Site,
    reviews: list[Review],
    key: str,
    frozen: Mapping[str, FrozenReview] | None = None,
) -> ReviewViews:
    """The pages and links of ``reviews`` (and ``frozen``, see :func:`review_pages`);
    ``key`` is what they were made from (``build.review_memo.reviews_key``)."""
    pages = review_pages(site, reviews, key, frozen)
    return ReviewViews(tuple(pages), review_links(pages))
