"""Period reviews between builds: each goal's and path's snapshots kept while its
inputs are unchanged (:class:`ReviewSnapshots`), and the reviews' pages kept while
nothing they read has changed (:class:`ReviewMemo`). Both equal a fresh
``analysis.reviews.analyse_reviews`` (``tests/test_incremental.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..digest import digest
from .memo import analysis_keys, meta_keys

if TYPE_CHECKING:
    from ..analysis.frozen import FrozenReview
    from ..analysis.site import Mapper, SiteAnalysis
    from ..data.dataset import Dataset
    from ..model.site import Site
    from ..pages.reviews import ReviewViews


class ReviewSnapshots:
    """``analysis.reviews.analyse_reviews``, keeping each goal's and path's snapshots.

    A review compares snapshots of every goal (progress, status, impact estimates) and
    every path (learning counts) taken at the end of each period; taking them is the
    costly part (a ``goal_progress`` per goal and day). A goal's snapshots read what its
    analysis reads (:func:`analysis_keys`: config, data, its front-matter, its paths,
    every cohort) and the days; a path's the same for the path. So a rebuild takes
    snapshots again only for the goals and paths whose key changed, and compares all
    of them afresh (titles, owners and sentences come from the current site). The
    result equals ``analyse_reviews`` on the whole site (``tests/test_incremental.py``).
    """

    def __init__(self) -> None:
        self._goals: dict[str, tuple[str, list[Any]]] = {}
        self._paths: dict[str, tuple[str, list[tuple[Any, bool | None]]]] = {}
        self.taken = 0
        """Goals whose snapshots the last call took again (not reused)."""

    def reviews(
        self,
        site: Site,
        dataset: Dataset,
        as_of: dt.date,
        mapper: Mapper | None = None,
        also: Iterable[str] = (),
    ) -> list[Any]:
        """The same reviews as ``analyse_reviews(site, dataset, as_of=…, cadence=…,
        limit=…, also=…)`` with the cadence and limit of ``site.config``."""
        from ..analysis.reviews import compare, previous_period, review_periods

        cfg = site.config
        cadence = cfg.review_period or cfg.period
        periods = review_periods(
            [dataset.kpis["date"], dataset.learning["date"]],
            cadence,
            as_of,
            cfg.review_limit,
            also,
        )
        if not periods:
            self.taken = 0
            return []
        previous = [previous_period(p, cadence) for p in periods]
        days = sorted({p.as_of for p in periods} | {p.as_of for p in previous})
        snaps = dict(zip(days, self._snapshots(site, dataset, days, mapper), strict=True))
        return [
            compare(site, p, prev, snaps[prev.as_of], snaps[p.as_of], cadence)
            for p, prev in zip(periods, previous, strict=True)
        ]

    def _snapshots(
        self, site: Site, dataset: Dataset, days: list[dt.date], mapper: Mapper | None
    ) -> list[Any]:
        from dataclasses import replace

        from ..analysis.reviews import Snapshot, take_snapshots
        from ..analysis.site import _kpi_agg

        goal_keys, path_keys = analysis_keys(site, dataset.fingerprint, None, meta_keys(site))
        on = digest(days)
        gkeys = {g: digest([k, on]) for g, k in goal_keys.items()}
        pkeys = {p: digest([k, on]) for p, k in path_keys.items()}
        goals = [g for g in site.goals if self._goals.get(g, ("",))[0] != gkeys[g]]
        paths = {p for p in site.paths if self._paths.get(p, ("",))[0] != pkeys[p]}
        agg = _kpi_agg(site)
        if any(kr.agg != agg[kr.metric] for _, kr in site.key_results()):
            goals, paths = list(site.goals), set(site.paths)  # a subset could aggregate otherwise
        if goals or paths:
            for gid in goals:  # what a goal's snapshot reads: its paths, its control cohort
                goal = site.goals[gid]
                paths.update(goal.paths)
                cg = goal.meta.monitoring.control_group
                if cg is not None:
                    paths.update(
                        pid
                        for pid, p in site.paths.items()
                        if any(c.id == cg for c in p.meta.cohorts)
                    )
            part = replace(
                site,
                goals={g: site.goals[g] for g in goals},
                paths={p: path for p, path in site.paths.items() if p in paths},
            )
            taken = take_snapshots(part, dataset, days, mapper)
            for gid in goals:
                self._goals[gid] = (gkeys[gid], [s.goals[gid] for s in taken])
            for pid in part.paths:
                self._paths[pid] = (
                    pkeys[pid],
                    [(s.learning[pid], s.enrolled_any.get(pid)) for s in taken],
                )
        self._goals = {g: self._goals[g] for g in site.goals}
        self._paths = {p: self._paths[p] for p in site.paths}
        self.taken = len(goals)
        out = []
        for i, day in enumerate(days):
            learning = {p: v[1][i] for p, v in self._paths.items()}
            out.append(
                Snapshot(
                    day,
                    {g: v[1][i] for g, v in self._goals.items()},
                    {p: counts for p, (counts, _) in learning.items()},
                    {p: any_ for p, (_, any_) in learning.items() if any_ is not None},
                )
            )
        return out


def reviews_key(
    site: Site,
    dataset: Dataset,
    as_of: dt.date,
    frozen: Mapping[str, FrozenReview] | None = None,
) -> str:
    """A digest of everything the reviews read: config, data, report date, front-matter,
    the frozen reviews."""
    from ..analysis.frozen import to_json

    kept = sorted((label, to_json(f)) for label, f in (frozen or {}).items())
    return digest(
        [site.config, dataset.fingerprint, as_of, sorted(meta_keys(site).items()), kept]
    )


def fresh_reviews(
    site: Site,
    dataset: Dataset,
    analysis: SiteAnalysis,
    frozen: Mapping[str, FrozenReview] | None = None,
) -> ReviewViews:
    """The period reviews computed from scratch (what :class:`ReviewMemo` must equal)."""
    from ..analysis.reviews import analyse_reviews
    from ..pages.reviews import review_views

    cfg = site.config
    frozen = frozen or {}
    reviews = analyse_reviews(
        site,
        dataset,
        as_of=analysis.as_of,
        cadence=cfg.review_period or cfg.period,
        limit=cfg.review_limit,
        also=sorted(frozen),
    )
    key = reviews_key(site, dataset, analysis.as_of, frozen)
    return review_views(site, reviews, key, frozen)


class ReviewMemo:
    """The period reviews' pages, computed again only when what they read has changed;
    then only the goals and paths whose inputs changed get new snapshots
    (:class:`ReviewSnapshots`)."""

    def __init__(self) -> None:
        self._last: tuple[str, ReviewViews] | None = None
        self.snapshots = ReviewSnapshots()

    def get(
        self,
        site: Site,
        dataset: Dataset,
        analysis: SiteAnalysis,
        mapper: Mapper | None = None,
        frozen: Mapping[str, FrozenReview] | None = None,
    ) -> ReviewViews:
        frozen = frozen or {}
        key = reviews_key(site, dataset, analysis.as_of, frozen)
        if self._last is None or self._last[0] != key:
            from ..pages.reviews import review_views

            reviews = self.snapshots.reviews(
                site, dataset, analysis.as_of, mapper, also=sorted(frozen)
            )
            self._last = (key, review_views(site, reviews, key, frozen))
        return self._last[1]
