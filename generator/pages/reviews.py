"""Period reviews as the pages show them: the comparisons, their charts and the links.

:func:`review_extra` returns two entries for ``RenderState.extra``: ``reviews``, one
:class:`ReviewPage` per period (oldest first, see ``analysis/reviews.py``), and
``review_links``, goal id → the reviews that show the goal (newest first) for its
page's review history. :class:`ReviewMemo` keeps the result between builds while the
inputs it reads (config, data, goal and path front matter, report date) are unchanged.
Charts follow ``charts.py``: an Altair template per chart, made once per process,
filled with each review's rows. Pure: no files, no HTML.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..analysis.progress import ATTENTION_ORDER, STATUS_LABELS
from ..analysis.reviews import Review, analyse_reviews
from ..charts.templates import STATUS_COLOURS, ChartSpec, Table, _config, _fill, row_titles
from ..model.site import Site
from ..routes import review_dir

_SHOWN_RANGE = (-50.0, 150.0)
"""Progress (%) outside this range is drawn at its edge (the table has the real value)."""


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
        charts = {}
        progress = progress_chart(r)
        if progress is not None:
            charts["progress"] = progress
        learning = learning_chart(r)
        if learning is not None:
            charts["learning"] = learning
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


# ---------------------------------------------------------------- charts


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.0f}%"


def _clip(v: float) -> float:
    return min(max(v * 100.0, _SHOWN_RANGE[0]), _SHOWN_RANGE[1])


PROGRESS_ROW = 40
"""Pixels per goal: its title on top, the dots and the plan's tick below."""


@functools.cache
def _progress_template() -> dict[str, Any]:
    """One row per goal, its title written above its dots (as in the timeline): as axis
    labels the titles took most of a phone's width and were cut short on a laptop."""
    import altair as alt

    y = alt.Y(
        "goal:N",
        title=None,
        sort=alt.EncodingSortField("order", op="min"),
        axis=None,
        scale=alt.Scale(paddingInner=0, paddingOuter=0),
    )
    x_title = "Progress from baseline (0%) to target (100%)"
    x = alt.X("now:Q", title=x_title, scale=alt.Scale(nice=True))
    tooltip = [
        alt.Tooltip("goal:N", title="Goal"),
        alt.Tooltip("then_text:N", title="Previous period"),
        alt.Tooltip("now_text:N", title="This period"),
        alt.Tooltip("expected_text:N", title="Plan by now"),
        alt.Tooltip("status_label:N", title="Status"),
    ]
    refs = (
        alt.Chart(alt.Data(name="refs"))
        .mark_rule(strokeDash=[4, 3], color="#8a94a6")
        .encode(x=alt.X("value:Q"))
    )
    base = alt.Chart(alt.Data(name="goals"))
    titles = row_titles(
        base,
        alt.Y("goal:N", sort=alt.EncodingSortField("order", op="min"), bandPosition=0, axis=None),
        "goal:N",
    )
    link = base.mark_rule(color="#8a94a6", strokeWidth=2, yOffset=8).encode(y=y, x=x, x2="then:Q")
    then = base.mark_point(
        shape="circle", size=60, color="#5b6576", filled=False, yOffset=8
    ).encode(y=y, x=alt.X("then:Q"), tooltip=tooltip)
    expected = base.mark_tick(color="#1d2430", thickness=2, size=16, yOffset=8).encode(
        y=y, x=alt.X("expected:Q"), tooltip=tooltip
    )
    labels = [STATUS_LABELS[s] for s in ATTENTION_ORDER]
    now = base.mark_point(shape="circle", size=110, filled=True, opacity=1, yOffset=8).encode(
        y=y,
        x=x,
        color=alt.Color(
            "status_label:N",
            title="Status now",
            scale=alt.Scale(domain=labels, range=[STATUS_COLOURS[s] for s in ATTENTION_ORDER]),
            legend=alt.Legend(columns={"expr": "width < 500 ? 3 : 7"}),  # type: ignore[arg-type]
        ),
        tooltip=tooltip,
    )
    # A numeric height (``progress_chart`` sets rows × PROGRESS_ROW): with a Step height
    # and a container width Vega-Lite warns 'Dropping "fit-y"'.
    chart = alt.layer(refs, titles, link, expected, then, now).properties(
        width="container", height=PROGRESS_ROW
    )
    spec = chart.to_dict()
    spec["config"] = _config()
    return spec


def progress_chart(review: Review) -> ChartSpec | None:
    """Progress against plan: each goal's dot now, a hollow dot then, a bar for the plan."""
    rows: list[dict[str, Any]] = []
    table: list[list[str]] = []
    for i, g in enumerate(review.goals):
        table.append(
            [
                g.title,
                _pct(g.progress_then),
                _pct(g.progress_now),
                _pct(g.expected_now),
                STATUS_LABELS.get(g.status_now, g.status_now),
            ]
        )
        if g.progress_now is None:
            continue
        rows.append(
            {
                "goal": g.title,
                "order": i,
                "now": _clip(g.progress_now),
                "then": _clip(g.progress_then) if g.progress_then is not None else None,
                "expected": _clip(g.expected_now) if g.expected_now is not None else None,
                "now_text": _pct(g.progress_now),
                "then_text": _pct(g.progress_then),
                "expected_text": _pct(g.expected_now),
                "status_label": STATUS_LABELS.get(g.status_now, g.status_now),
            }
        )
    if not rows:
        return None
    refs = [{"value": 0.0}, {"value": 100.0}]
    ahead = sum(1 for g in review.goals if g.gap_now is not None and g.gap_now <= 0)
    summary = (
        f"Progress of {len(rows)} goals at the end of {review.period.title} (filled dots) "
        f"against {review.previous.title} (hollow dots) and the plan (bars); "
        f"{ahead} at or ahead of plan."
    )
    spec = _fill(_progress_template(), goals=rows, refs=refs)
    spec["height"] = PROGRESS_ROW * len(rows)
    return ChartSpec(
        spec,
        summary,
        "Progress against plan",
        Table(["Goal", review.previous.title, review.period.title, "Plan by now", "Status"], table),
    )


LEARNING_ROW = 40
"""Pixels per path: its title and "+N completed" on top, the bar below."""


@functools.cache
def _learning_template() -> dict[str, Any]:
    """One row per path: the title above the bar at the left, "+N completed" at the right
    (inside the plot: after the bar's end it ran past the edge on a phone)."""
    import altair as alt

    y = alt.Y(
        "path:N", title=None, sort=None, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0)
    )
    top = alt.Y("path:N", sort=None, bandPosition=0, axis=None)
    tooltip = [
        alt.Tooltip("path:N", title="Path"),
        alt.Tooltip("then_text:N", title="Completed before"),
        alt.Tooltip("now_text:N", title="Completed now"),
        alt.Tooltip("label:N", title="This period"),
    ]
    base = alt.Chart(alt.Data(name="paths"))
    bars = base.mark_bar(color="#2356a8", cornerRadiusEnd=3, height=12, yOffset=8).encode(
        y=y,
        x=alt.X(
            "now:Q", title="Enrolled learners who completed (%)", scale=alt.Scale(domain=[0, 100])
        ),
        tooltip=tooltip,
    )
    before = base.mark_tick(color="#1d2430", thickness=2, size=18, yOffset=8).encode(
        y=y, x=alt.X("then:Q"), tooltip=tooltip
    )
    titles = row_titles(base, top, "path:N", limit="max(60, width - 100)")
    text = dict(baseline="top", dy=3, fontSize=11, color="#1d2430")
    added = base.mark_text(align="right", **text).encode(
        y=top, x=alt.value("width"), text="label:N"
    )
    # numeric height (rows × LEARNING_ROW, set by learning_chart): see _progress_template
    chart = alt.layer(bars, before, titles, added).properties(
        width="container", height=LEARNING_ROW
    )
    spec = chart.to_dict()
    spec["config"] = _config()
    return spec


def learning_chart(review: Review) -> ChartSpec | None:
    """Completion rate per path now (bar) and at the previous period's end (tick)."""
    shown = [lc for lc in review.learning if not lc.hidden and lc.rate_now is not None]
    if not shown:
        return None
    rows = [
        {
            "path": lc.title,
            "now": lc.rate_now * 100.0 if lc.rate_now is not None else None,
            "then": lc.rate_then * 100.0 if lc.rate_then is not None else None,
            "now_text": _pct(lc.rate_now),
            "then_text": _pct(lc.rate_then),
            "label": f"+{lc.completed_in_period} completed" if lc.completed_in_period else "",
        }
        for lc in shown
    ]
    total = sum(lc.completed_in_period or 0 for lc in shown)
    summary = (
        f"{total} learners completed a path in {review.period.title}; bars show the share of "
        f"enrolled learners who have completed each path, ticks the share a period earlier."
    )
    table = Table(
        ["Path", f"Completed by {review.previous.title}", "Completed now", "In this period"],
        [
            [
                lc.title,
                _pct(lc.rate_then),
                _pct(lc.rate_now),
                "–" if lc.completed_in_period is None else str(lc.completed_in_period),
            ]
            for lc in shown
        ],
    )
    spec = _fill(_learning_template(), paths=rows)
    spec["height"] = LEARNING_ROW * len(rows)
    return ChartSpec(spec, summary, "Learning completion", table)
