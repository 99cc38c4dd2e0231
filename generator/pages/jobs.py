"""Which pages a site has, and what each page's template receives.

One :class:`render.PageJob` per output page. Contexts are built lazily, so an
incremental rebuild that skips a page never pays for its context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.progress import STATUS_LABELS, STATUS_RANK
from ..analysis.smart import smart_check
from ..digest import digest
from ..model.site import Goal, LearningPath
from ..routes import LATEST_REVIEW, REVIEWS, goal_dir, page_file, path_dir
from .context import Deps, PageJob, RenderState

if TYPE_CHECKING:
    from ..model.site import Page
    from .reviews import ReviewPage


def goal_status(state: RenderState, goal_id: str) -> str:
    a = state.analysis
    if a is None or goal_id not in a.goals:
        return "no-data"
    return str(a.goals[goal_id].progress.status)


def goal_analysis(state: RenderState, goal_id: str) -> Any:
    a = state.analysis
    return a.goals.get(goal_id) if a is not None else None


def attention_order(state: RenderState) -> list[Goal]:
    """Goals sorted so the ones needing attention come first, then by deadline."""
    return sorted(
        state.site.goals.values(),
        key=lambda g: (STATUS_RANK.get(goal_status(state, g.meta.id), 9), g.deadline, g.meta.id),
    )


def build_jobs(state: RenderState) -> list[PageJob]:
    site = state.site
    jobs: list[PageJob] = [_dashboard_job(state)]
    jobs += [_goal_job(state, g) for g in site.goals.values()]
    jobs += [_path_job(state, p) for p in site.paths.values()]
    for page in site.pages.values():
        out = f"{page.meta.id}/index.html"

        def ctx(page: Page = page, out: str = out) -> dict[str, Any]:
            c = state.base_context(out, page.meta.title, "page")
            c["page"] = page
            if page.meta.summary:
                c["description"] = page.meta.summary
            c["body"] = state.markdown(page.source.rel, page.source.body, out)
            return c

        deps = Deps(files=(page,), keys=("links",)).resolve(state)
        jobs.append(PageJob(out, "page.html", ctx, deps, page.meta.title))
    jobs += _overview_jobs(state)
    jobs += _review_jobs(state)
    from .lists import list_jobs  # lists builds on this module's helpers

    jobs += list_jobs(state)
    jobs.append(
        PageJob(
            "404.html",
            "404.html",
            lambda: state.base_context("404.html", "Page not found", "404"),
            (),
            "Page not found",
        )
    )
    return jobs


def _dashboard_job(state: RenderState) -> PageJob:
    site = state.site
    out = "index.html"

    def ctx() -> dict[str, Any]:
        c = state.base_context(out, site.config.title, "dashboard")
        goals = attention_order(state)
        org = f" of {site.config.organisation}" if site.config.organisation else ""
        c["description"] = (
            f"{len(goals)} business goals{org} and the learning meant to move them: status, "
            "progress and the evidence that training works."
        )
        rows = []
        for g in goals:
            status = goal_status(state, g.meta.id)
            rows.append(
                {
                    "goal": g,
                    "status": status,
                    "status_label": STATUS_LABELS.get(status, status),
                    "analysis": goal_analysis(state, g.meta.id),
                    "paths": [site.paths[p] for p in g.paths],
                    "needs_attention": STATUS_RANK.get(status, 9) <= 1,
                }
            )
        counts = state.analysis.status_counts if state.analysis is not None else {}
        c.update(
            rows=rows,
            status_counts=[
                (s, STATUS_LABELS[s], counts[s])
                for s in sorted(counts, key=lambda s: STATUS_RANK.get(s, 9))
            ],
            statuses=[
                (s, STATUS_LABELS[s], STATUS_RANK.get(s, 9))
                for s in sorted(counts, key=lambda s: STATUS_RANK.get(s, 9))
            ],
            departments=sorted({g.meta.department for g in goals if g.meta.department}),
            tags=sorted({t for g in goals for t in g.meta.tags}),
        )
        return c

    deps = Deps(
        shown=(*site.goals.values(), *site.paths.values()),
        keys=tuple(f"{k}:{g}" for g in site.goals for k in ("goal", "views")),
    ).resolve(state)
    return PageJob(out, "dashboard.html", ctx, deps, site.config.title)


def _goal_job(state: RenderState, goal: Goal) -> PageJob:
    site = state.site
    gid = goal.meta.id
    out = page_file(goal_dir(gid))
    parent = site.goals.get(goal.meta.parent) if goal.meta.parent else None
    children = [site.goals[c] for c in goal.children]
    paths = [site.paths[p] for p in goal.paths]

    def ctx() -> dict[str, Any]:
        c = state.base_context(out, goal.meta.title, "goal")
        c["toc"] = True
        analysis = goal_analysis(state, gid)
        progress = getattr(analysis, "progress", None)
        if progress is not None and progress.summary:
            c["description"] = progress.summary
        status = goal_status(state, gid)
        c.update(
            goal=goal,
            body=state.markdown(goal.source.rel, goal.source.body, out),
            smart=smart_check(
                goal.meta,
                has_paths=bool(paths),
                metric_has_data=bool(progress is not None and progress.status != "no-data"),
                parent_title=parent.meta.title if parent else None,
            ),
            status=status,
            status_label=STATUS_LABELS.get(status, status),
            ga=analysis,
            parent=parent,
            parent_status=goal_status(state, parent.meta.id) if parent else None,
            ancestors=list(reversed(site.ancestors(gid))),
            children=[(ch, goal_status(state, ch.meta.id)) for ch in children],
            paths=paths,
            cohort_labels={co.id: co.label for lp in paths for co in lp.meta.cohorts},
            charts=state.charts.goals.get(gid, {}),
            reviews=state.views.reviews.links.get(gid, []),
            history=state.views.history.get(gid),
        )
        return c

    ancestors = site.ancestors(gid)
    shown = [gid, *(a.meta.id for a in ancestors), *goal.children]
    deps = Deps(
        files=(goal,),
        shown=(*ancestors, *children, *paths),
        keys=(*(f"goal:{g}" for g in shown), "paths", f"skills:{gid}", "links", f"views:{gid}"),
    ).resolve(state)
    return PageJob(out, "goal.html", ctx, deps, goal.meta.title)


def _path_job(state: RenderState, path: LearningPath) -> PageJob:
    site = state.site
    pid = path.meta.id
    out = page_file(path_dir(pid))
    goals = [site.goals[g] for g in path.goals]

    def ctx() -> dict[str, Any]:
        c = state.base_context(out, path.meta.title, "path")
        c["toc"] = True
        served = ", ".join(g.meta.title for g in goals)
        c["description"] = path.meta.summary or (
            f"{path.meta.title}: a {path.weeks}-week {path.meta.format} learning path"
            + (f" for {served}" if served else "")
        )
        cohorts = [
            {
                "cohort": co,
                "schedule": path.schedule(co),
                "end": path.cohort_end(co),
            }
            for co in path.meta.cohorts
        ]
        pa = state.analysis.paths.get(pid) if state.analysis is not None else None
        c.update(
            path=path,
            body=state.markdown(path.source.rel, path.source.body, out),
            cohorts=cohorts,
            goals=[(g, goal_status(state, g.meta.id)) for g in goals],
            pa=pa,
            cohort_labels={co.id: co.label for co in path.meta.cohorts},
            charts=state.charts.paths.get(pid, {}),
            total_hours=sum(a.hours or 0 for a in path.meta.activities),
        )
        return c

    deps = Deps(
        files=(path,),
        shown=tuple(goals),
        keys=(f"path:{pid}", *(f"goal:{g}" for g in path.goals), "paths", "links"),
    ).resolve(state)
    return PageJob(out, "path.html", ctx, deps, path.meta.title)


def job_key(job: PageJob, global_key: str) -> str:
    return digest((global_key, job.out, job.template, tuple(job.deps)))


def _all_docs(state: RenderState) -> tuple[str, ...]:
    site = state.site
    analyses = [f"goal:{g}" for g in site.goals] + [f"path:{p}" for p in site.paths]
    return Deps(
        shown=(*site.goals.values(), *site.paths.values()), keys=(*analyses, "skills")
    ).resolve(state)


def _goal_dates(state: RenderState) -> list[dict[str, Any]]:
    """Every goal's deadline and milestones, in date order, for the timeline page."""
    out: list[dict[str, Any]] = []
    for g in state.site.goals.values():
        status = goal_status(state, g.meta.id)
        out.append(
            {"date": g.deadline, "kind": "Deadline", "goal": g, "status": status, "value": None}
        )
        out += [
            {"date": m.date, "kind": "Milestone", "goal": g, "status": status, "value": m.value}
            for m in g.meta.kpi.milestones
        ]
    out.sort(key=lambda d: (d["date"], d["kind"] != "Deadline", d["goal"].meta.title))
    return out


def _overview_jobs(state: RenderState) -> list[PageJob]:
    """Site-wide pages: the calendar, the goal tree, the skills map."""
    from ..analysis.alignment import alignment_tree

    site = state.site

    def timeline() -> dict[str, Any]:
        out = "timeline/index.html"
        c = state.base_context(out, "Learning timeline", "timeline")
        rows: list[dict[str, Any]] = []
        for p in site.paths.values():
            for co in p.meta.cohorts:
                rows.append({"path": p, "cohort": co, "end": p.cohort_end(co)})
        rows.sort(key=lambda r: (r["cohort"].start, r["path"].meta.id))
        c.update(
            chart=state.charts.timeline,
            rows=rows,
            goals=sorted(site.goals.values(), key=lambda g: g.deadline),
            dates=_goal_dates(state),
        )
        return c

    def alignment() -> dict[str, Any]:
        out = "alignment/index.html"
        c = state.base_context(out, "Goal alignment", "alignment")
        c.update(
            tree=alignment_tree(site),
            status=lambda gid: goal_status(state, gid),
            ga=lambda gid: goal_analysis(state, gid),
        )
        return c

    def skills() -> dict[str, Any]:
        out = "skills/index.html"
        c = state.base_context(out, "Skills", "skills")
        gaps = list(state.analysis.skills) if state.analysis is not None else []
        c.update(chart=state.charts.skills, gaps=gaps)
        return c

    deps = _all_docs(state)
    return [
        PageJob("timeline/index.html", "timeline.html", timeline, deps, "Learning timeline"),
        PageJob("alignment/index.html", "alignment.html", alignment, deps, "Goal alignment"),
        PageJob("skills/index.html", "skills.html", skills, deps, "Skills"),
    ]


def _review_jobs(state: RenderState) -> list[PageJob]:
    """``reviews/<period>/`` per review (``reviews.ReviewPage``), ``reviews/latest/``
    (the newest again, so a bookmark always shows the current review) and ``reviews/``."""
    from ..digest import digest_or_random

    pages = list(state.views.reviews.pages)
    jobs: list[PageJob] = []

    def review_job(out: str, page: ReviewPage | None, latest: bool) -> PageJob:
        title = f"Review: {page.review.period.title}" if page else "Review"

        def ctx() -> dict[str, Any]:
            c = state.base_context(out, title, "reviews")
            c["toc"] = page is not None
            if page is not None and page.review.summary:
                c["description"] = " ".join(page.review.summary)
            c.update(
                page=page,
                review=page.review if page else None,
                charts=page.charts if page else {},
                latest=latest,
                canonical=page.href if page else None,
            )
            return c

        deps = Deps(own=(f"review={page.key if page else ''}",), keys=("links",)).resolve(state)
        return PageJob(out, "review.html", ctx, deps, title)

    for page in pages:
        jobs.append(review_job(f"{page.href}index.html", page, False))
    jobs.append(review_job(page_file(LATEST_REVIEW), pages[-1] if pages else None, True))

    def index() -> dict[str, Any]:
        c = state.base_context(page_file(REVIEWS), "Reviews", "reviews")
        c.update(pages=list(reversed(pages)))
        return c

    shown = [
        (
            p.href,
            p.review.summary,
            p.review.counts_now,
            (p.frozen.frozen_on, bool(p.frozen.changes)) if p.frozen else None,
        )
        for p in pages
    ]
    deps = Deps(own=(f"reviews={digest_or_random(shown)}",), keys=("links",)).resolve(state)
    jobs.append(PageJob(page_file(REVIEWS), "reviews.html", index, deps, "Reviews"))
    return jobs
