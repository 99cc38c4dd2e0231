"""Validate raw content into a typed :class:`site.Site`, or report every problem with
file:line.

Input: :class:`content.SourceDoc` records. Output: the ``Site`` (``model/site.py``),
its cross references resolved. Errors never stop at the first one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, Problems, while_processing
from ..load.config import SiteConfig
from ..load.content import SourceDoc, dotted
from ..text import did_you_mean, slugify
from .goal_rules import check_goal_rules
from .problems import error_at, friendly, warning_at
from .schema import SLUG_RE, Activity, Cohort, GoalMeta, PageMeta, PathMeta
from .site import RESERVED_PAGE_IDS, Goal, LearningPath, Page, Site

if TYPE_CHECKING:
    from ..data.dataset import Dataset


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names valid at ``loc`` (for a did-you-mean on an unknown field)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    return list(current.model_fields) if current else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found:
            return found
    return None


def _drop(raw: dict[str, Any], loc: tuple[Any, ...]) -> None:
    target: Any = raw
    for part in loc[:-1]:
        target = target[part]
    target.pop(loc[-1], None)


_PARSED: dict[tuple[str, str, str, str], tuple[BaseModel | None, list[Problem]]] = {}
"""(model, file, bytes hash, id) → the model and its problems: a file's front-matter is
a function of its bytes, so ``serve`` after an edit validates only the edited file
(0.5 s of pydantic at 1,000 goals otherwise)."""


def _parsed(model: type[BaseModel], doc: SourceDoc, ident: str, problems: Problems) -> Any:
    """:func:`_parse` of the doc's front-matter with its id, once per file content."""
    if not doc.sha:  # made by hand, not read from a file
        return _parse(model, doc, {**doc.meta, "id": ident}, problems)
    key = (model.__name__, doc.rel, doc.sha, ident)
    found = _PARSED.get(key)
    if found is None:
        local = Problems()
        found = (_parse(model, doc, {**doc.meta, "id": ident}, local), list(local.items))
        if len(_PARSED) > 20_000:
            _PARSED.clear()
        _PARSED[key] = found
    problems.extend(found[1])
    return found[0]


def _parse(
    model: type[BaseModel], doc: SourceDoc, raw: dict[str, Any], problems: Problems
) -> BaseModel | None:
    """Validate; unknown fields become warnings and are dropped; other errors are reported."""
    import copy

    raw = copy.deepcopy(raw)
    for _ in range(50):
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            errors = exc.errors()
            extras = [e for e in errors if e["type"] == "extra_forbidden"]
            for e in extras:
                loc = tuple(e["loc"])
                pos = doc.where((*loc, "<key>")) or doc.where(loc)
                problems.warning(
                    doc.rel,
                    "unknown field is ignored",
                    line=pos.line if pos else None,
                    column=pos.column if pos else None,
                    field=dotted(loc),
                    hint=did_you_mean(str(loc[-1]), _known_fields(model, loc)),
                )
                _drop(raw, loc)
            if extras:
                continue
            for e in errors:
                loc = tuple(e["loc"])
                pos = doc.where(loc)
                msg, hint = friendly(e)
                problems.error(
                    doc.rel,
                    msg,
                    line=pos.line if pos else None,
                    column=pos.column if pos else None,
                    field=dotted(loc) or None,
                    hint=hint,
                )
            return None
    return None


def _check_id(doc: SourceDoc, problems: Problems) -> str | None:
    raw_id = doc.meta.get("id", doc.stem)
    pos = doc.where(("id",)) if "id" in doc.meta else doc.where(())
    if not isinstance(raw_id, str) or not SLUG_RE.fullmatch(raw_id):
        where = "id" if "id" in doc.meta else "id (from the file name)"
        suggestion = slugify(str(raw_id))
        problems.error(
            doc.rel,
            f"{raw_id!r} is not a valid id",
            line=pos.line if pos else 1,
            field=where,
            hint="ids are lowercase letters, digits and single hyphens"
            + (f", e.g. '{suggestion}'" if suggestion else ""),
        )
        return None
    return raw_id


def validate_site(
    docs: Mapping[str, list[SourceDoc]],
    config: SiteConfig,
    problems: Problems,
    unreadable: Mapping[str, set[str]] | None = None,
) -> Site:
    """Turn source docs into a typed site; every problem goes to ``problems``.

    ``unreadable`` holds, per kind, the file stems of content files that exist but
    could not be read (bad YAML, not UTF-8…): they have their own errors already, so a
    reference to them is not reported again as unknown.
    References that only the data can confirm are checked by ``check_against_data``.
    """
    goal_metas: dict[str, tuple[GoalMeta, SourceDoc]] = {}
    path_metas: dict[str, tuple[PathMeta, SourceDoc]] = {}
    page_metas: dict[str, tuple[PageMeta, SourceDoc]] = {}
    tables: list[tuple[str, type[BaseModel], dict[str, Any]]] = [
        ("goals", GoalMeta, goal_metas),
        ("paths", PathMeta, path_metas),
        ("pages", PageMeta, page_metas),
    ]
    declared: dict[str, set[str]] = {}
    for kind, model, into in tables:
        first_seen: dict[str, SourceDoc] = {}
        for doc in docs.get(kind, []):
            ident = _check_id(doc, problems)
            if ident is None:
                continue
            if ident in first_seen:
                error_at(
                    problems,
                    doc,
                    ("id",) if "id" in doc.meta else (),
                    f"duplicate id '{ident}': {first_seen[ident].rel} uses it too",
                    "give each file its own id",
                )
                continue
            if kind == "pages" and ident in RESERVED_PAGE_IDS:
                error_at(
                    problems,
                    doc,
                    ("id",) if "id" in doc.meta else (),
                    f"'{ident}' is reserved for the generator's own pages",
                    "rename the file or set another id",
                )
                continue
            first_seen[ident] = doc
            with while_processing(doc.rel):
                parsed = _parsed(model, doc, ident, problems)
            if parsed is not None:
                into[ident] = (parsed, doc)
        declared[kind] = set(first_seen) | set((unreadable or {}).get(kind, ()))

    check_goal_rules(goal_metas, problems)
    _check_path_rules(path_metas, problems)
    _check_references(goal_metas, path_metas, problems, declared)

    goal_paths: dict[str, list[str]] = {
        g: list(m.learning_paths) for g, (m, _) in goal_metas.items()
    }
    path_goals: dict[str, list[str]] = {p: list(m.goals) for p, (m, _) in path_metas.items()}
    for p, gs in list(path_goals.items()):
        for g in gs:
            if g in goal_paths and p not in goal_paths[g]:
                goal_paths[g].append(p)
    for g, ps in goal_paths.items():
        for p in ps:
            if p in path_goals and g not in path_goals[p]:
                path_goals[p].append(g)
    children: dict[str, list[str]] = {g: [] for g in goal_metas}
    for g, (m, _) in goal_metas.items():
        if m.parent in children:
            children[m.parent].append(g)

    goals = {
        g: Goal(m, d, tuple(p for p in goal_paths[g] if p in path_metas), tuple(children[g]))
        for g, (m, d) in goal_metas.items()
    }
    paths = {
        p: LearningPath(m, d, tuple(g for g in path_goals[p] if g in goal_metas))
        for p, (m, d) in path_metas.items()
    }
    pages = {
        p: Page(m, d)
        for p, (m, d) in sorted(page_metas.items(), key=lambda kv: (kv[1][0].position, kv[0]))
    }
    return Site(config, goals, paths, pages)


def _check_path_rules(paths: dict[str, tuple[PathMeta, SourceDoc]], problems: Problems) -> None:
    cohort_owner: dict[str, str] = {}
    for pid, (m, doc) in paths.items():
        lists: tuple[tuple[str, Sequence[Cohort | Activity]], ...] = (
            ("cohorts", m.cohorts),
            ("activities", m.activities),
        )
        for list_name, items in lists:
            seen: set[str] = set()
            for i, item in enumerate(items):
                if not SLUG_RE.fullmatch(item.id):
                    error_at(
                        problems,
                        doc,
                        (list_name, i, "id"),
                        f"{item.id!r} is not a valid id",
                        f"use lowercase letters, digits and hyphens, e.g. '{slugify(item.id)}'",
                    )
                if item.id in seen:
                    error_at(
                        problems,
                        doc,
                        (list_name, i, "id"),
                        f"duplicate id '{item.id}' in {list_name}",
                        "give each its own id",
                    )
                seen.add(item.id)
        for i, c in enumerate(m.cohorts):
            if c.id in cohort_owner and cohort_owner[c.id] != pid:
                error_at(
                    problems,
                    doc,
                    ("cohorts", i, "id"),
                    f"cohort id '{c.id}' is also used by path '{cohort_owner[c.id]}'",
                    "cohort ids name KPI groups and learning records: make them unique",
                )
            cohort_owner.setdefault(c.id, pid)


def _check_references(
    goals: dict[str, tuple[GoalMeta, SourceDoc]],
    paths: dict[str, tuple[PathMeta, SourceDoc]],
    problems: Problems,
    declared: dict[str, set[str]],
) -> None:
    # A file that exists but failed validation has its own errors: don't cascade.
    known_goals = declared.get("goals", set()) | set(goals)
    known_paths = declared.get("paths", set()) | set(paths)
    for gid, (m, doc) in goals.items():
        if m.parent is not None and m.parent not in known_goals:
            error_at(
                problems,
                doc,
                ("parent",),
                f"unknown goal '{m.parent}'",
                did_you_mean(m.parent, goals) or "use the id of another goal file",
            )
        for i, p in enumerate(m.learning_paths):
            if p not in known_paths:
                error_at(
                    problems,
                    doc,
                    ("learning_paths", i),
                    f"unknown learning path '{p}'",
                    did_you_mean(p, paths) or "use the id of a file in content/paths/",
                )
        _check_cycle(gid, goals, doc, problems)
    for pm, doc in paths.values():
        for i, g in enumerate(pm.goals):
            if g not in known_goals:
                error_at(
                    problems,
                    doc,
                    ("goals", i),
                    f"unknown goal '{g}'",
                    did_you_mean(g, goals) or "use the id of a file in content/goals/",
                )


def _check_cycle(
    gid: str,
    goals: dict[str, tuple[GoalMeta, SourceDoc]],
    doc: SourceDoc,
    problems: Problems,
) -> None:
    chain = [gid]
    parent = goals[gid][0].parent
    while parent is not None and parent in goals:
        if parent == gid:
            error_at(
                problems,
                doc,
                ("parent",),
                "parent cycle: " + " → ".join([*chain, gid]),
                "a goal cannot serve itself; remove one parent link",
            )
            return
        if parent in chain:  # a cycle further up; reported by its own members
            return
        chain.append(parent)
        parent = goals[parent][0].parent


def check_against_data(
    site: Site, dataset: Dataset, problems: Problems, as_of: dt.date | None = None
) -> None:
    """Content references that only the data can confirm: groups, metrics, activities.

    A metric with no data is no warning before its ``kpi.data_from`` (``as_of``: the
    report date)."""
    if "kpis" in getattr(dataset, "unreadable", ()):
        return  # the file's own error says it all; "unknown group" would only mislead
    kpis = dataset.kpis
    groups = set(kpis["group"].unique()) if len(kpis) else set()
    metrics = set(kpis["metric"].unique()) if len(kpis) else set()
    cohorts = {c.id for p in site.paths.values() for c in p.meta.cohorts}
    cohort_groups = {c.kpi_group for p in site.paths.values() for c in p.meta.cohorts}
    for goal in site.goals.values():
        doc, m = goal.source, goal.meta
        cg = m.monitoring.control_group
        if cg is not None and cg not in groups | cohorts | cohort_groups:
            error_at(
                problems,
                doc,
                ("monitoring", "control_group"),
                f"unknown group or cohort '{cg}'",
                did_you_mean(cg, groups | cohorts) or "name a cohort id or a group in the KPI data",
            )
        for where, k in m.kpi_fields():
            pending = k.data_from is not None and as_of is not None and as_of < k.data_from
            if k.metric not in metrics and not pending:
                warning_at(
                    problems,
                    doc,
                    (*where, "metric"),
                    f"no KPI data for metric '{k.metric}' yet; the goal shows 'no data'",
                    did_you_mean(k.metric, metrics)
                    or f"add rows to {dataset.sources.get('kpis') or 'data/kpis.csv'}",
                )
