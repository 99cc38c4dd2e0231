"""Orchestrate a build: load → validate → analyse → chart → render → write.

:class:`SiteBuilder` keeps the rendered pages of its last build keyed by a hash of
their inputs, so a rebuild after a one-file edit renders only the pages that read
that file (``goalpath serve``); the output is still assembled complete in a staging
folder and swapped in atomically, so it is always identical to a clean build.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GoalpathError, Problem, Problems, while_processing
from ..load.config import SiteConfig, load_config
from ..load.content import SourceDoc, discover, read_source
from ..load.history import GoalHistory
from ..model.site import Site
from ..model.validate import check_against_data, validate_site
from . import output
from .disk_cache import KeptValues
from .inputs import Inputs, load_inputs
from .memo import BuildMemo

if TYPE_CHECKING:
    from ..analysis.frozen import FrozenReview
    from ..data.dataset import Dataset

log = logging.getLogger(__name__)

CACHE_DIR = ".goalpath-cache"
"""Per-site cache (the Vega bundle); safe to delete, never committed."""

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total): stage "Analysing" counts goals analysed (not
reused), "Rendering" counts pages."""


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    problems: list[Problem]
    pages: int = 0
    """Pages rendered in this build (the rest were reused from the previous build)."""
    reused: int = 0
    files: int = 0
    """Files written in all."""
    seconds: float = 0.0
    out: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


PARALLEL_PAGES = 200
"""Pages to render at least before they are rendered on every core."""


class SiteBuilder:
    """Builds one site folder into one output folder, reusing unchanged pages."""

    def __init__(
        self,
        root: Path,
        out: Path | None = None,
        *,
        base_url: str | None = None,
        today: dt.date | None = None,
        progress: Progress | None = None,
        strict: bool = False,
        in_place: bool = False,
        persist: bool = False,
        fresh: bool = False,
    ) -> None:
        self.root = root.resolve()
        self.out = (out or self.root / "build").resolve()
        self.base_url = base_url
        self.today = today
        self.progress = progress
        self.strict = strict
        self._page_cache: dict[str, tuple[str, str]] = {}
        self._assets: dict[str, bytes] = {}
        self._memo = BuildMemo()
        from .review_memo import ReviewMemo

        self._reviews = ReviewMemo()
        self._history = GoalHistory()
        self._kept: dict[str, KeptValues] = {}
        self.in_place = in_place
        """After the first build, write only the files that changed, each atomically,
        into the output folder (``output.update_in_place``; ``goalpath serve``) instead
        of replacing the whole folder."""
        self._on_disk: dict[str, Any] | None = None
        """What the last build wrote into the output folder (None: not known)."""
        self._marker: tuple[int, int] | None = None
        self._stats: dict[str, output.FileStat] = {}
        """The stats of the files the last build wrote (in place only)."""
        self.persist = persist
        """Start from the state the last such build saved, and save this one's
        (``saved_state.py``; ``goalpath build``)."""
        self._restored = fresh
        """Whether the saved state was taken (or, ``fresh``, is not to be)."""
        """The marker the last folder swap wrote (``output.swap_into_place``)."""
        """Values of earlier builds by cache file (``disk_cache.py``), read at the first build."""

    def build(self, changed: frozenset[Path] | None = None) -> BuildResult:
        """Full build when ``changed`` is None; otherwise reuse pages whose inputs are unchanged.

        ``changed`` is advisory: page reuse is decided by input hashes, so the result
        equals a clean build whatever is passed.
        """
        t0 = time.perf_counter()
        problems = Problems()
        timings: dict[str, float] = {}
        output.recover(self.out)  # what a killed build left: put back or remove
        reason = output.check_output_dir(self.out, self.root)
        if reason:
            problems.error(
                self.out.as_posix(),
                f"will not write the site here: {reason}",
                hint="choose another --out folder",
            )
            return BuildResult(False, list(problems), seconds=time.perf_counter() - t0)
        if self.persist and not self._restored:
            self._restored = True
            self._restore(problems)
        try:
            inputs = load_inputs(
                self.root,
                problems,
                base_url=self.base_url,
                read=self._memo.sources.read,
                load_data=self._memo.datasets.load,
                check_data=self._memo.checks.run,
            )
            self._memo.sources.prune()
            timings["load"] = time.perf_counter() - t0
            if inputs is None or (self.strict and problems.warnings):
                return BuildResult(False, list(problems), seconds=time.perf_counter() - t0)
            from ..analysis.inference import remembered_fits
            from ..charts.base import remembered_templates
            from . import disk_cache

            cache_dir = self.root / CACHE_DIR
            versions = {
                disk_cache.FITS: disk_cache.fits_version(),
                disk_cache.CHARTS: disk_cache.charts_version(),
            }
            if not self._kept:
                for name, version in versions.items():
                    self._kept[name] = disk_cache.load(cache_dir, name, problems, version)
                charts = self._kept[disk_cache.CHARTS]
                for module, compiled in disk_cache.packaged_templates().items():
                    if module not in charts:  # kept by the last build, or from the package
                        charts[module] = compiled
            for kept in self._kept.values():
                kept.start()
            with (
                remembered_fits(self._kept[disk_cache.FITS]),
                remembered_templates(self._kept[disk_cache.CHARTS]),
            ):
                files, rendered, reused = self._render(inputs, timings)
            t = time.perf_counter()
            # in place only over the folder this builder made last: another build (a
            # `goalpath build` beside serve) leaves another marker
            ours = self._on_disk is not None and output.marker_of(self.out) == self._marker
            if self.in_place and self._on_disk is not None and ours:
                on_disk, self._on_disk = self._on_disk, None  # unknown until written
                self._stats = output.update_in_place(self.out, files, on_disk, self._stats)
            else:
                self._on_disk = None
                staging = output.new_staging_dir(self.out)
                try:
                    writer = output.OutputWriter(staging)
                    for rel, content in files.items():
                        writer.write(rel, content)
                    self._marker = output.swap_into_place(staging, self.out)
                except BaseException:
                    output.discard(staging)
                    raise
                if self.in_place:
                    self._stats = output.file_stats(self.out, list(files))
            self._on_disk = files
            timings["write"] = time.perf_counter() - t
            for name, version in versions.items():
                try:
                    disk_cache.save(cache_dir, name, self._kept[name], version)
                except OSError as exc:  # a read-only site folder: the build stands
                    problems.warning(f"{CACHE_DIR}/{name}", f"the cache was not saved: {exc}")
            if self.persist:
                t = time.perf_counter()
                try:
                    self._save()
                except Exception as exc:  # noqa: BLE001 - the site is built; only speed is lost
                    problems.warning(
                        f"{CACHE_DIR}/state",
                        f"the build state was not saved ({type(exc).__name__}: {exc}); the "
                        "next build starts from scratch",
                    )
                timings["save state"] = time.perf_counter() - t
        except GoalpathError as exc:
            problems.extend(exc.problems)
            return BuildResult(False, list(problems), seconds=time.perf_counter() - t0)
        return BuildResult(
            True,
            list(problems),
            pages=rendered,
            reused=reused,
            files=len(files),
            seconds=time.perf_counter() - t0,
            out=self.out,
            timings=timings,
        )

    # ------------------------------------------------------------ saved state

    def _state_file(self) -> Path:
        from . import saved_state

        return saved_state.state_path(
            self.root, CACHE_DIR, self.out, (self.base_url, str(self.today))
        )

    def _restore(self, problems: Problems) -> None:
        """Take the memo of the last ``goalpath build`` into this folder, when ours."""
        from . import saved_state
        from .up_to_date import own_digest

        path = self._state_file()
        shown = path.relative_to(self.root).as_posix()
        state = saved_state.load(path, own_digest(), problems, shown)
        if state is None or not {"pages", "assets", "memo", "reviews", "history"} <= set(state):
            return
        self._page_cache = state["pages"]
        self._assets = state["assets"]
        self._memo = state["memo"]
        self._reviews = state["reviews"]
        self._history = state["history"]

    def _save(self) -> None:
        import copy

        from . import saved_state
        from .up_to_date import own_digest

        memo = copy.copy(self._memo)
        memo._env = None  # a Jinja environment is made again from the theme (cheap)
        memo._api = None  # joined again from the records it keeps (7 MB at 1,000 goals)
        state = {
            "pages": self._page_cache,
            "assets": self._assets,
            "memo": memo,
            "reviews": self._reviews,
            "history": self._history,
        }
        saved_state.save(self._state_file(), own_digest(), state)

    def _render(self, inputs: Inputs, timings: dict[str, float]) -> tuple[dict[str, Any], int, int]:
        from ..pages.context import RenderState
        from ..pages.feeds import feed_files
        from ..pages.jobs import build_jobs, job_key
        from ..pages.views import SECTION_IDS, SiteViews, goal_sparklines, search_file, site_sections
        from ..render.jinja import render_page, template_problem
        from ..render.toc import insert_toc
        from ..render.theme import resolve_theme
        from .assets import collect_assets
        from .parallel import ForkMapper

        t = time.perf_counter()
        site = inputs.site
        theme = resolve_theme(self.root, site.config.theme)
        # per-goal work on every core; fits computed in a child come back to the cache
        mapper = ForkMapper(list(self._kept.values()))
        report = self.progress
        analysis = self._memo.analyse(
            site,
            inputs.dataset,
            self.today,
            progress=(lambda d, n: report("Analysing", d, n)) if report else None,
            mapper=mapper,
        )
        timings["analyse"] = time.perf_counter() - t
        t = time.perf_counter()
        charts = self._memo.charts(site, analysis, mapper)
        sparklines = self._memo.sparklines(site, analysis)
        timings["chart"] = time.perf_counter() - t
        t = time.perf_counter()
        reviews = self._reviews.get(site, inputs.dataset, analysis, mapper, inputs.frozen)
        timings["reviews"] = time.perf_counter() - t
        t = time.perf_counter()
        # a Git checkout: goal pages show their plan's changes
        history = self._history.read(self.root, {g.source.rel: i for i, g in site.goals.items()})
        timings["history"] = time.perf_counter() - t
        views = SiteViews(
            sections=site_sections(SECTION_IDS),
            sparklines=sparklines,
            reviews=reviews,
            history=history or {},
        )

        t = time.perf_counter()
        import jinja2

        env, theme_key = self._memo.env(theme)
        state = RenderState(site, theme, analysis, charts, views, self._memo.keys)
        global_key = self._memo.page_keys(state, theme_key, inputs.dataset, self.today)
        jobs = build_jobs(state)
        files: dict[str, Any] = {}
        new_cache: dict[str, tuple[str, str]] = {}
        rendered = reused = 0
        errors: list[Problem] = []
        keys = [job_key(job, global_key) for job in jobs]
        todo = [
            i
            for i, (job, key) in enumerate(zip(jobs, keys, strict=True))
            if self._page_cache.get(job.out, ("",))[0] != key
        ]

        def render(i: int) -> tuple[str | None, Problem | None]:
            try:
                with while_processing(jobs[i].out):
                    html = insert_toc(render_page(env, jobs[i].template, jobs[i].context()))
            except jinja2.TemplateError as exc:
                return None, template_problem(exc, theme)
            return html, None

        # both cores when there is much to render (a review page lists every goal: it
        # weighs as many pages); the same bytes in the same order
        work = sum(len(site.goals) if jobs[i].template == "review.html" else 1 for i in todo)
        many = ForkMapper(min_items=1 if work >= PARALLEL_PAGES else len(todo) + 1)
        pages = dict(zip(todo, many(render, todo), strict=True))
        for i, (job, key) in enumerate(zip(jobs, keys, strict=True)):
            if i in pages:
                html, problem = pages[i]
                if problem is not None:
                    errors.append(problem)
                    continue
                rendered += 1
            else:
                html = self._page_cache[job.out][1]
                reused += 1
            assert html is not None
            files[job.out] = html
            new_cache[job.out] = (key, html)
        if report:
            report("Rendering", len(jobs), len(jobs))
        if errors:
            raise GoalpathError(errors)
        self._page_cache = new_cache
        files.update(self._memo.api_files(site, analysis))
        files["search/index.js"] = search_file(site, analysis, state)
        outs = [job.out for job in jobs]
        files.update(feed_files(site.config, outs, views.reviews.pages, analysis.as_of))
        files.update(collect_assets(theme, self._assets, self.root / CACHE_DIR))
        timings["render"] = time.perf_counter() - t
        return files, rendered, reused
