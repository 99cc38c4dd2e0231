"""Keys for incremental rebuilds: what a source, an analysis or a page was made from.

Every key is a hash of the inputs of one piece of work, so a rebuild may reuse a piece
whose key is unchanged and the result is still identical to a clean build:

- a **source file** is parsed again only when its bytes change (:class:`SourceCache`);
- a **path's analysis** is keyed by the data, the config and the path's own file;
- a **goal's analysis** by the data, the config, the goal's file, its linked paths'
  keys and every path's cohort ids (a control group may name any cohort);
- a **page** by the global inputs (config, theme, data, navigation) plus the keys its
  :class:`~generator.pages.jobs` job lists in ``deps`` (files shown, analyses shown).

:func:`~generator.digest.digest` hashes computed values by content (one hash rule for
the whole package); a value it cannot hash stably raises ``Unstable``, and callers then
treat the piece as changed (safe, only slower). Pure: no files; what a builder keeps
of its inputs (sources, data tables, the checks against the data) is in
``input_memo.py``.
"""

from __future__ import annotations

import datetime as dt
import pickle
import hashlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import digest, digest_or_random
from ..errors import Problem, Problems
from ..load.content import SourceDoc
from .input_memo import ChecksMemo, DatasetMemo, SourceCache

if TYPE_CHECKING:
    import jinja2
    
    from ..analysis.site import Mapper, SiteAnalysis
    from ..charts.catalogue import PageCharts, SiteCharts
    from ..data.dataset import Dataset
    from ..model.site import Goal, LearningPath, Page, Site
    from ..pages.context import RenderState
    from ..render.theme import Theme

# -- analyses -------------------------------------------------------------------------------


def doc_key(doc: SourceDoc) -> str:
    """The whole file: for the page that shows the file's Markdown body."""
    return f"{doc.rel}:{doc.sha}"


def meta_keys(site: Site) -> dict[str, str]:
    """Source path → key of its front-matter only: for analyses and for pages that show
    a goal or path without its body (an edit of the prose re-renders just its own page)."""
    docs: list[Goal | LearningPath | Page] = [*site.goals.values(), *site.paths.values()]
    docs += site.pages.values()
    return {d.source.rel: f"{d.source.rel}:{_meta_digest(d.source)}" for d in docs}


_META_DIGESTS: dict[str, str] = {}
"""File-bytes hash → digest of the front-matter read from them: a build asks for every
file's three times (analyses, reviews, their key), 0.5 s each at 1,000 goals."""


def _meta_digest(doc: SourceDoc) -> str:
    if not doc.sha:  # made by hand, not read from a file
        return digest_or_random(doc.meta)
    found = _META_DIGESTS.get(doc.sha)
    if found is None:
        if len(_META_DIGESTS) > 100_000:
            _META_DIGESTS.clear()
        found = digest_or_random(doc.meta)
        if not found.startswith("unstable:"):  # an unstable value stays "changed"
            _META_DIGESTS[doc.sha] = found
    return found


def analysis_keys(
    site: Site, dataset_fingerprint: str, today: dt.date | None, metas: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """(goal id → key, path id → key) for reusing analyses between builds.

    What ``analysis.site.analyse_goal`` reads besides the goal's front-matter: the config,
    the data, its linked paths (and their analyses) and ``site.cohort()`` over all
    paths; the KPI aggregation per metric comes from every goal (``_kpi_agg``).
    ``metas`` is :func:`meta_keys`.
    """
    kpi_agg: dict[str, str] = {}
    for _, kr in site.key_results():
        kpi_agg.setdefault(kr.metric, kr.agg)
    base = digest([site.config, dataset_fingerprint, today, kpi_agg])
    path_keys = {pid: digest([base, pid, metas[p.source.rel]]) for pid, p in site.paths.items()}
    cohorts = [(pid, c.id, c.kpi_group) for pid, p in site.paths.items() for c in p.meta.cohorts]
    cohort_key = digest(cohorts)
    goal_keys = {
        gid: digest(
            [
                base,
                gid,
                metas[g.source.rel],
                cohort_key,
                [(p, path_keys.get(p, "")) for p in g.paths],
            ]
        )
        for gid, g in site.goals.items()
    }
    return goal_keys, path_keys


# -- what a builder keeps between builds -------------------------------------------------------

_UNSET: Any = object()


class Packed:
    """A value a saved state keeps pickled on its own: restoring the state unpickles it
    only when it is asked for. 1,000 goals' charts are 13 MB of small dicts, 1.4 s to
    unpickle, and a build after one goal's edit asks for one goal's. (The bytes are
    inside the signed state file, ``saved_state.py``: they are this user's.)"""

    __slots__ = ("_blob", "_value")

    def __init__(self, value: Any) -> None:
        self._value: Any = value
        self._blob: bytes | None = None

    def get(self) -> Any:
        if self._value is _UNSET:
            assert self._blob is not None  # set with _UNSET by __setstate__
            self._value = pickle.loads(self._blob)  # from the signed state file
        return self._value

    def __getstate__(self) -> bytes:
        if self._blob is None:
            self._blob = pickle.dumps(self._value, protocol=5)
        return self._blob

    def __setstate__(self, blob: bytes) -> None:
        self._blob, self._value = blob, _UNSET


class _Unpacking(Mapping[str, Any]):
    """A mapping of :class:`Packed` values, unpacked when looked up."""

    def __init__(self, packed: Mapping[str, Packed]) -> None:
        self._packed = packed

    def __getitem__(self, key: str) -> Any:
        return self._packed[key].get()

    def __contains__(self, key: object) -> bool:  # Mapping's would unpack to look
        return key in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


def _still_valid(memo: dict[str, tuple[str, Any]], keys: Mapping[str, str]) -> dict[str, Any]:
    """The remembered results whose key is unchanged."""
    return {i: value for i, (key, value) in memo.items() if keys.get(i) == key}


class BuildMemo:
    """What a ``SiteBuilder`` keeps from one build to the next, each piece stored with
    the key of its inputs: parsed sources, analyses, chart specs, the Jinja environment,
    and the keys of the current build (:attr:`keys`) that page jobs list as ``deps``."""

    def __init__(self) -> None:
        self.sources = SourceCache()
        self.datasets = DatasetMemo()
        self.checks = ChecksMemo()
        self.keys: dict[str, str] = {}
        self._goals: dict[str, tuple[str, Any]] = {}
        self._paths: dict[str, tuple[str, Any]] = {}
        self._goal_charts: dict[str, tuple[str, Packed]] = {}
        self._path_charts: dict[str, tuple[str, PageCharts]] = {}
        self._env: tuple[str, Any] | None = None
        self._api: tuple[str, dict[str, str]] | None = None
        self._sparks: dict[str, tuple[str, Any]] = {}
        self._records: dict[str, tuple[str, tuple[str, str]]] = {}
        self._view_parts: tuple[Any, Any, dict[str, str]] | None = None
        """Each goal's digest of its review links and history, with the two objects it
        was taken from (kept while the builder gets the same ones back)."""
        self.analysed = 0
        """Goals and paths analysed (not reused) by the last build."""

    def analyse(
        self,
        site: Site,
        dataset: Dataset,
        today: dt.date | None,
        progress: Callable[[int, int], None] | None = None,
        mapper: Mapper | None = None,
    ) -> Any:
        """``analyse_site``, reusing each goal's and path's analysis whose key is unchanged;
        ``mapper``: how the rest are computed (``build/parallel.py``)."""
        from ..analysis.site import analyse_site

        metas = meta_keys(site)
        goal_keys, path_keys = analysis_keys(site, dataset.fingerprint, today, metas)
        old_goals = _still_valid(self._goals, goal_keys)
        old_paths = _still_valid(self._paths, path_keys)
        analysis = analyse_site(
            site,
            dataset,
            today=today,
            reuse_goals=old_goals,
            reuse_paths=old_paths,
            progress=progress,
            mapper=mapper,
        )
        self._goals = {g: (k, analysis.goals[g]) for g, k in goal_keys.items()}
        self._paths = {p: (k, analysis.paths[p]) for p, k in path_keys.items()}
        self.analysed = len(goal_keys) - len(old_goals) + len(path_keys) - len(old_paths)
        keys = {f"doc:{rel}": k for rel, k in metas.items()}
        keys.update({f"goal:{g}": k for g, k in goal_keys.items()})
        keys.update({f"path:{p}": k for p, k in path_keys.items()})
        keys["paths"] = digest([metas[p.source.rel] for p in site.paths.values()])
        keys["skills"] = digest_or_random(analysis.skills)
        # each gap digested once, not once per goal it names
        gaps: dict[str, list[str]] = {g: [] for g in site.goals}
        for gap in analysis.skills:
            gap_key = digest_or_random(gap)
            for g in getattr(gap, "goals", ()):
                gaps.setdefault(g, []).append(gap_key)
        keys.update({f"skills:{g}": digest(gaps[g]) for g in site.goals})
        self.keys = keys
        return analysis

    def charts(self, site: Site, analysis: SiteAnalysis, mapper: Mapper | None = None) -> SiteCharts:
        """``build_charts``, reusing each goal's and path's charts whose inputs are unchanged.

        A page's charts are keyed by its own analysis and by what its charts declare they
        read (``READS`` in each chart module, ``charts.catalogue``): a name this method
        cannot key raises ``KeyError`` rather than leave a chart stale in ``serve``.
        """
        from ..charts.catalogue import GOAL_CHARTS, PATH_CHARTS, build_charts, reads_of

        k = self.keys

        def shown_goals(pid: str) -> list[str]:
            goals = [site.goals[g] for g in site.paths[pid].goals if g in site.goals]
            return [k[f"doc:{goal.source.rel}"] for goal in goals]

        goal_inputs: dict[str, Callable[[str], Any]] = {
            "paths": lambda gid: k["paths"],
            "skills": lambda gid: k[f"skills:{gid}"],
        }
        path_inputs: dict[str, Callable[[str], Any]] = {
            "paths": lambda pid: k["paths"],
            "goals": shown_goals,
        }
        goal_reads = [goal_inputs[n] for n in sorted(reads_of(GOAL_CHARTS))]
        path_reads = [path_inputs[n] for n in sorted(reads_of(PATH_CHARTS))]
        goal_keys = {
            g: digest([k[f"goal:{g}"], *(read(g) for read in goal_reads)]) for g in site.goals
        }
        path_keys = {
            p: digest([k[f"path:{p}"], *(read(p) for read in path_reads)]) for p in site.paths
        }
        kept = _still_valid(self._goal_charts, goal_keys)
        charts = build_charts(
            site,
            analysis,
            reuse_goals=_Unpacking(kept),
            reuse_paths=_still_valid(self._path_charts, path_keys),
            mapper=mapper,
        )
        self._goal_charts = {
            g: (key, kept[g] if g in kept else Packed(charts.goals[g]))
            for g, key in goal_keys.items()
        }
        self._path_charts = {p: (key, charts.paths[p]) for p, key in path_keys.items()}
        return charts

    def sparklines(self, site: Site, analysis: SiteAnalysis) -> dict[str, Any]:
        """``pages.views.goal_sparklines``, each goal's kept while its analysis key (its
        front matter, the data) is unchanged."""
        from ..pages.views import goal_sparklines

        k = self.keys
        keys = {g: k[f"goal:{g}"] for g in site.goals}
        todo = [g for g in site.goals if self._sparks.get(g, ("",))[0] != keys[g]]
        if todo:
            from dataclasses import replace

            fresh = goal_sparklines(replace(site, goals={g: site.goals[g] for g in todo}), analysis)
            for g in todo:
                self._sparks[g] = (keys[g], fresh.get(g))
        self._sparks = {g: self._sparks[g] for g in site.goals}
        return {g: spark for g, (_, spark) in self._sparks.items() if spark is not None}

    def api_files(self, site: Site, analysis: SiteAnalysis) -> dict[str, str]:
        """``pages.views.api_files``, kept while every goal's analysis key (its front
        matter, paths, the data, the config) and the report date are unchanged: at 1,000
        goals writing the API cost 1.5 s of a one-goal prose edit in ``serve``."""
        from ..pages.api import csv_row, date_text, goal_json, record_text
        from ..pages.views import api_texts

        k = self.keys
        key = digest([[(g, k[f"goal:{g}"]) for g in site.goals], str(analysis.as_of)])
        if self._api is not None and self._api[0] == key:
            return self._api[1]
        # each goal's record kept while its key and the report date are: an edited title
        # writes one record again, not a thousand (1.5 s)
        records: dict[str, tuple[str, tuple[str, str]]] = {}
        for gid, goal in site.goals.items():
            rkey = digest([k[f"goal:{gid}"], str(analysis.as_of)])
            kept = self._records.get(gid)
            if kept is None or kept[0] != rkey:
                record = goal_json(goal, analysis.goals[gid], analysis.as_of)
                kept = (rkey, (record_text(record), csv_row(record)))
            records[gid] = kept
        self._records = records
        as_of = date_text(analysis.as_of) if site.goals else None
        self._api = (key, api_texts([r for _, r in records.values()], as_of))
        return self._api[1]

    def env(self, theme: Theme) -> tuple[jinja2.Environment, str]:
        """The Jinja environment (kept while no theme file changes) and the theme's key."""
        from ..render.jinja import make_env

        files = theme.files()
        sig = [(p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in files]
        key = digest([theme.name, [c.as_posix() for c in theme.chain], sig])
        if self._env is None or self._env[0] != key:
            from .saved_state import template_bytecode

            env = make_env(theme)
            env.bytecode_cache = template_bytecode(env)
            self._env = (key, env)
        return self._env[1], key

    def page_keys(self, state: RenderState, theme_key: str, dataset: Dataset, today: dt.date | None) -> str:
        """Add the render-time keys to :attr:`keys`; return the key every page shares."""
        site, views, k = state.site, state.views, self.keys
        k["links"] = digest(state.link_map)
        # A goal's views (``SiteViews.of_goal``): its sparkline by what makes it, its
        # analysis (key ``goal:<id>``; digesting the SVG points cost 0.3 s at 1,000
        # goals); its review links and history by content (a title edited elsewhere
        # changes every review, not these links).
        links, history = views.reviews.links, views.history
        last = self._view_parts
        same = last is not None and last[0] is links and (last[1] is history or not last[1] and not history)
        parts = last[2] if same and last is not None else {}
        for gid in site.goals:
            if gid not in parts:  # 12 review links a goal: 0.25 s at 1,000 goals
                parts[gid] = digest_or_random([links.get(gid), history.get(gid)])
            k[f"views:{gid}"] = digest([k[f"goal:{gid}"], parts[gid]])
        self._view_parts = (links, history, parts)
        return digest(
            [
                site.config,
                theme_key,
                dataset.fingerprint,
                [(p.meta.id, p.meta.title) for p in site.pages.values() if p.meta.in_nav],
                str(getattr(state.analysis, "as_of", None)),
                today,
                digest_or_random(views.shared()),
            ]
        )
