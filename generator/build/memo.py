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
treat the piece as changed (safe, only slower). Pure: no files except what
``SourceCache`` reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import digest, digest_or_random
from ..errors import Problem, Problems
from ..load.content import SourceDoc

if TYPE_CHECKING:
    import jinja2
    
    from ..analysis.site import Mapper, SiteAnalysis
    from ..charts.catalogue import PageCharts, SiteCharts
    from ..data.dataset import Dataset
    from ..model.site import Goal, LearningPath, Page, Site
    from ..pages.context import RenderState
    from ..render.theme import Theme

# -- sources --------------------------------------------------------------------------------

Reader = Callable[[Path, str, Path, Problems], SourceDoc | None]


class SourceCache:
    """Parses a content file again only when its bytes changed; replays its problems."""

    def __init__(self) -> None:
        self._docs: dict[str, tuple[bytes, SourceDoc | None, list[Problem]]] = {}
        self._seen: set[str] = set()
        self.hits = 0
        self.misses = 0

    def read(self, root: Path, kind: str, path: Path, problems: Problems) -> SourceDoc | None:
        """Same contract as ``content.read_source``."""
        from ..load.content import read_source

        key = f"{root}\x00{kind}\x00{path}"
        self._seen.add(key)
        try:
            data = path.read_bytes()
        except OSError:
            self._docs.pop(key, None)
            return read_source(root, kind, path, problems)  # reports the error
        fp = hashlib.sha256(data).digest()
        cached = self._docs.get(key)
        if cached is not None and cached[0] == fp:
            self.hits += 1
            problems.extend(cached[2])
            return cached[1]
        self.misses += 1
        local = Problems()
        doc = read_source(root, kind, path, local)
        problems.extend(local.items)
        self._docs[key] = (fp, doc, list(local.items))
        return doc

    def prune(self) -> None:
        """Forget files not read since the last prune (deleted or renamed ones)."""
        for key in [k for k in self._docs if k not in self._seen]:
            del self._docs[key]
        self._seen = set()


# -- analyses -------------------------------------------------------------------------------


def doc_key(doc: SourceDoc) -> str:
    """The whole file: for the page that shows the file's Markdown body."""
    return f"{doc.rel}:{doc.sha}"


def meta_keys(site: Site) -> dict[str, str]:
    """Source path → key of its front-matter only: for analyses and for pages that show
    a goal or path without its body (an edit of the prose re-renders just its own page)."""
    docs: list[Goal | LearningPath | Page] = [*site.goals.values(), *site.paths.values()]
    docs += site.pages.values()
    return {d.source.rel: f"{d.source.rel}:{digest_or_random(d.source.meta)}" for d in docs}


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

def _still_valid(memo: dict[str, tuple[str, Any]], keys: Mapping[str, str]) -> dict[str, Any]:
    """The remembered results whose key is unchanged."""
    return {i: value for i, (key, value) in memo.items() if keys.get(i) == key}


class BuildMemo:
    """What a ``SiteBuilder`` keeps from one build to the next, each piece stored with
    the key of its inputs: parsed sources, analyses, chart specs, the Jinja environment,
    and the keys of the current build (:attr:`keys`) that page jobs list as ``deps``."""

    def __init__(self) -> None:
        self.sources = SourceCache()
        self.keys: dict[str, str] = {}
        self._goals: dict[str, tuple[str, Any]] = {}
        self._paths: dict[str, tuple[str, Any]] = {}
        self._goal_charts: dict[str, tuple[str, PageCharts]] = {}
        self._path_charts: dict[str, tuple[str, PageCharts]] = {}
        self._env: tuple[str, Any] | None = None
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
        gaps: dict[str, list[Any]] = {g: [] for g in site.goals}
        for gap in analysis.skills:
            for g in getattr(gap, "goals", ()):
                gaps.setdefault(g, []).append(gap)
        keys.update({f"skills:{g}": digest_or_random(gaps[g]) for g in site.goals})
        self.keys = keys
        return analysis

    def charts(self, site: Site, analysis: SiteAnalysis) -> SiteCharts:
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
        charts = build_charts(
            site,
            analysis,
            reuse_goals=_still_valid(self._goal_charts, goal_keys),
            reuse_paths=_still_valid(self._path_charts, path_keys),
        )
        self._goal_charts = {g: (key, charts.goals[g]) for g, key in goal_keys.items()}
        self._path_charts = {p: (key, charts.paths[p]) for p, key in path_keys.items()}
        return charts

    def env(self, theme: Theme) -> tuple[jinja2.Environment, str]:
        """The Jinja environment (kept while no theme file changes) and the theme's key."""
        from ..render.jinja import make_env

        files = theme.files()
        sig = [(p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in files]
        key = digest([theme.name, [c.as_posix() for c in theme.chain], sig])
        if self._env is None or self._env[0] != key:
            self._env = (key, make_env(theme))
        return self._env[1], key

    def page_keys(self, state: RenderState, theme_key: str, dataset: Dataset, today: dt.date | None) -> str:
        """Add the render-time keys to :attr:`keys`; return the key every page shares."""
        site, views, k = state.site, state.views, self.keys
        k["links"] = digest(state.link_map)
        for gid in site.goals:
            k[f"views:{gid}"] = digest_or_random(views.of_goal(gid))
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
