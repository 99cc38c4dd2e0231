"""Pages that list: every goal (``goals/``), every learning path (``paths/``), and a page
per tag and per department with the goals that carry it (``tags/<slug>/``,
``departments/<slug>/``, each with an index).

The goal tables are sortable and filterable in the browser (``goalpath.js``); without
script they are complete, in attention order. Filters are kept in the page's address
(``?status=at-risk&department=Sales``), so a filtered view can be shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analysis.progress import STATUS_LABELS, STATUS_RANK
from ..digest import digest
from ..routes import DEPARTMENTS, GOALS, PATHS, TAGS, department_dir, page_file, tag_dir, term_slug
from .context import Deps, PageJob
from .jobs import attention_order, goal_analysis, goal_status

if TYPE_CHECKING:
    from ..model.site import Goal
    from .context import RenderState


@dataclass(frozen=True)
class Term:
    """One tag or department: its name as authors wrote it, its page's slug, its goals."""

    name: str
    slug: str
    goals: tuple[Goal, ...]


def terms(goals: list[Goal], names: Callable[[Goal], list[str]]) -> list[Term]:
    """Every name that ``names`` gives a goal, once per slug (``HR`` and ``hr`` share a
    page, shown as the first spelling in sort order), sorted by name."""
    by_slug: dict[str, list[str]] = {}
    members: dict[str, list[Goal]] = {}
    seen: set[tuple[str, str]] = set()  # (slug, goal id): linear, not a list scan per goal
    for g in goals:
        for name in names(g):
            slug = term_slug(name)
            by_slug.setdefault(slug, []).append(name)
            members.setdefault(slug, [])
            if (slug, g.meta.id) not in seen:
                seen.add((slug, g.meta.id))
                members[slug].append(g)
    return sorted(
        (Term(min(by_slug[s]), s, tuple(members[s])) for s in by_slug),
        key=lambda t: (t.name.casefold(), t.slug),
    )


def goal_tags(g: Goal) -> list[str]:
    return list(g.meta.tags)


def goal_department(g: Goal) -> list[str]:
    return [g.meta.department] if g.meta.department else []


def _goal_rows(state: RenderState, goals: list[Goal]) -> list[dict[str, Any]]:
    rows = []
    for g in goals:
        status = goal_status(state, g.meta.id)
        analysis = goal_analysis(state, g.meta.id)
        progress = getattr(analysis, "progress", None)
        rows.append(
            {
                "goal": g,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "rank": STATUS_RANK.get(status, 9),
                "progress": getattr(progress, "progress", None),
            }
        )
    return rows


def list_jobs(state: RenderState) -> list[PageJob]:
    site = state.site
    goals = attention_order(state)
    tags = terms(goals, goal_tags)
    departments = terms(goals, goal_department)

    def goal_table_context(out: str, title: str, section: str, shown: list[Goal]) -> dict[str, Any]:
        c = state.base_context(out, title, section)
        rows = _goal_rows(state, shown)
        c.update(
            rows=rows,
            statuses=sorted(
                {(r["status"], r["status_label"], r["rank"]) for r in rows}, key=lambda s: s[2]
            ),
            departments=sorted({g.meta.department for g in shown if g.meta.department}),
            owners=sorted({g.meta.owner for g in shown}),
            tags=sorted({t for g in shown for t in g.meta.tags}),
        )
        return c

    def of_goals(shown: tuple[Goal, ...], *own: str) -> tuple[str, ...]:
        """A page that shows these goals' front matter and analyses (no bodies)."""
        keys = (*(f"goal:{g.meta.id}" for g in shown), "links")
        return Deps(shown=shown, keys=keys, own=own).resolve(state)

    every = of_goals(tuple(goals))
    path_deps = Deps(
        shown=(
            *site.paths.values(),
            *(site.goals[g] for p in site.paths.values() for g in p.goals),
        ),
        keys=(*(f"path:{p}" for p in site.paths), *(f"goal:{g}" for g in site.goals), "links"),
    ).resolve(state)
    jobs: list[PageJob] = []

    def goals_page() -> dict[str, Any]:
        c = goal_table_context(page_file(GOALS), "Goals", "goals", goals)
        c["filterable"] = True
        c["description"] = (
            f"All {len(goals)} business goals: status, department, owner, tags, deadline "
            "and progress, sortable and filterable."
        )
        return c

    jobs.append(PageJob(page_file(GOALS), "goals.html", goals_page, every, "Goals"))

    def paths_page() -> dict[str, Any]:
        out = page_file(PATHS)
        c = state.base_context(out, "Learning paths", "paths")
        c["description"] = (
            f"All {len(site.paths)} learning paths, the goals each serves, when they run and "
            "how many completed."
        )
        rows = []
        for p in sorted(site.paths.values(), key=lambda p: p.meta.title.casefold()):
            pa = state.analysis.paths.get(p.meta.id) if state.analysis is not None else None
            rows.append(
                {
                    "path": p,
                    "goals": [(site.goals[g], goal_status(state, g)) for g in p.goals],
                    "hours": sum(a.hours or 0 for a in p.meta.activities),
                    "start": min((co.start for co in p.meta.cohorts), default=None),
                    "end": max((p.cohort_end(co) for co in p.meta.cohorts), default=None),
                    "funnel": pa.total if pa is not None else None,
                }
            )
        c.update(rows=rows)
        return c

    jobs.append(PageJob(page_file(PATHS), "paths.html", paths_page, path_deps, "Learning paths"))

    for kind, folder, items, route in (
        ("tag", TAGS, tags, tag_dir),
        ("department", DEPARTMENTS, departments, department_dir),
    ):
        plural = "Tags" if kind == "tag" else "Departments"

        def index(
            folder: str = folder, items: list[Term] = items, kind: str = kind, plural: str = plural
        ) -> dict[str, Any]:
            c = state.base_context(page_file(folder), plural, folder.rstrip("/"))
            c.update(terms=items, kind=kind)
            return c

        listing = digest([(t.name, t.slug, len(t.goals)) for t in items])
        index_deps = Deps(own=(f"terms={listing}",), keys=("links",)).resolve(state)
        jobs.append(PageJob(page_file(folder), "terms.html", index, index_deps, plural))
        for term in items:
            out = page_file(route(term.name))
            title = f"{'Tag' if kind == 'tag' else 'Department'}: {term.name}"

            def one(
                out: str = out, title: str = title, term: Term = term, kind: str = kind
            ) -> dict[str, Any]:
                c = goal_table_context(out, title, kind, list(term.goals))
                c.update(term=term, kind=kind, filterable=False)
                n = len(term.goals)
                what = f"tagged {term.name}" if kind == "tag" else f"of {term.name}"
                c["description"] = (
                    f"{n} goal{'' if n == 1 else 's'} {what}, with status and progress."
                )
                return c

            members = f"members={digest([g.meta.id for g in term.goals])}"
            jobs.append(PageJob(out, "term.html", one, of_goals(term.goals, members), title))
    return jobs
