"""Validate raw content into a typed :class:`Site`, or report every problem with file:line.

Input: :class:`content.SourceDoc` records. Output: frozen ``Goal``, ``LearningPath``
and ``Page`` objects with their cross references resolved (parent/children, goal ↔ path),
plus the schedule of each cohort. Errors never stop at the first one.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problems
from ..load.config import SiteConfig
from ..load.content import FieldPath, SourceDoc, dotted
from ..text import slugify
from .schema import SLUG_RE, Activity, Cohort, GoalMeta, PageMeta, PathMeta

RESERVED_PAGE_IDS = frozenset(
    {"goals", "paths", "assets", "api", "timeline", "alignment", "skills", "reviews", "search"}
)
"""Top-level folders the generator writes itself; a page may not take one of these ids."""

# ---------------------------------------------------------------- typed site


@dataclass(frozen=True)
class Goal:
    meta: GoalMeta
    source: SourceDoc
    paths: tuple[str, ...] = ()
    """Learning paths serving the goal: its own list plus paths naming it."""
    children: tuple[str, ...] = ()
    """Goals whose parent is this goal."""

    def __getattr__(self, name: str) -> Any:  # goal.title reads goal.meta.title
        return getattr(self.meta, name)

    @property
    def deadline(self) -> dt.date:
        return self.meta.kpi.target.date


@dataclass(frozen=True)
class ScheduledActivity:
    activity: Activity
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class LearningPath:
    meta: PathMeta
    source: SourceDoc
    goals: tuple[str, ...] = ()
    """Goals the path serves: its own list plus goals naming it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.meta, name)

    @property
    def weeks(self) -> int:
        return max(a.week for a in self.meta.activities)

    @property
    def skills(self) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.meta.activities:
            for s in a.skills:
                seen.setdefault(s)
        return list(seen)

    def schedule(self, cohort: Cohort) -> list[ScheduledActivity]:
        """Activities in week order with their calendar dates for ``cohort``."""
        acts = sorted(self.meta.activities, key=lambda a: (a.week, a.id))
        out = []
        for a in acts:
            start = cohort.start + dt.timedelta(weeks=a.week - 1)
            out.append(ScheduledActivity(a, start, start + dt.timedelta(days=6)))
        return out

    def cohort_end(self, cohort: Cohort) -> dt.date:
        """Last day of the cohort's last activity week."""
        return cohort.start + dt.timedelta(weeks=self.weeks) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Page:
    meta: PageMeta
    source: SourceDoc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.meta, name)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    goals: dict[str, Goal] = field(default_factory=dict)
    paths: dict[str, LearningPath] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def cohort(self, cohort_id: str) -> tuple[LearningPath, Cohort] | None:
        for p in self.paths.values():
            for c in p.meta.cohorts:
                if c.id == cohort_id:
                    return p, c
        return None

    def ancestors(self, goal_id: str) -> list[Goal]:
        out: list[Goal] = []
        parent = self.goals[goal_id].meta.parent
        while parent and parent in self.goals and len(out) < len(self.goals):
            out.append(self.goals[parent])
            parent = self.goals[parent].meta.parent
        return out


# ---------------------------------------------------------------- validation

_MESSAGES = {
    "missing": "required field is missing",
    "float_parsing": "must be a number, got {input!r}",
    "float_type": "must be a number, got {input!r}",
    "int_parsing": "must be a whole number, got {input!r}",
    "int_type": "must be a whole number, got {input!r}",
    "int_from_float": "must be a whole number, got {input!r}",
    "bool_parsing": "must be true or false, got {input!r}",
    "bool_type": "must be true or false, got {input!r}",
    "string_type": "must be text, got {input!r}",
    "list_type": "must be a list, got {input!r}",
    "tuple_type": "must be a list of two dates, got {input!r}",
    "too_short": "must not be empty",
    "too_long": "has too many items",
    "dict_type": "must be a mapping (key: value), got {input!r}",
    "model_type": "must be a mapping of fields, got {input!r}",
    "model_attributes_type": "must be a mapping of fields, got {input!r}",
    "string_too_short": "must not be empty",
    "greater_than_equal": "must be at least {ge}, got {input!r}",
    "less_than_equal": "must be at most {le}, got {input!r}",
}
_HINTS = {
    "missing": "add it to the front-matter; see docs/content.md",
    "date": "write dates as YYYY-MM-DD, e.g. 2027-03-31",
    "float": "write a plain number such as 3.78, without units",
    "list": "write [a, b] or one '- item' per line",
    "string_type": "put the text in quotes",
}


def _friendly(err: Mapping[str, Any]) -> tuple[str, str | None]:
    kind = str(err["type"])
    inp = err.get("input")
    ctx = dict(err.get("ctx") or {})
    if kind.startswith(("date", "datetime")):
        return f"not a date: {inp!r}", _HINTS["date"]
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        options = [o.strip() for o in expected.replace(" or ", ",").split(",") if o.strip()]
        hint = _suggest(str(inp), options) or f"use one of: {', '.join(options)}"
        return f"must be one of {', '.join(options)}, got {inp!r}", hint
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, "), None
    template: str | None = _MESSAGES.get(kind)
    if template is None:
        return str(err["msg"]), None
    try:
        msg = template.format(input=inp, **ctx)
    except (KeyError, IndexError):
        msg = template
    return msg, _HINTS.get(kind) or _HINTS.get(kind.split("_")[0])


def _suggest(word: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


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
                    hint=_suggest(str(loc[-1]), _known_fields(model, loc)),
                )
                _drop(raw, loc)
            if extras:
                continue
            for e in errors:
                loc = tuple(e["loc"])
                pos = doc.where(loc)
                msg, hint = _friendly(e)
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


def _error_at(
    problems: Problems, doc: SourceDoc, path: FieldPath, message: str, hint: str | None = None
) -> None:
    """An error at the line, column and field of ``path`` in ``doc``."""
    _at(problems.error, doc, path, message, hint)


def warning_at(
    problems: Problems, doc: SourceDoc, path: FieldPath, message: str, hint: str | None = None
) -> None:
    """A warning at the line, column and field of ``path`` in ``doc``."""
    _at(problems.warning, doc, path, message, hint)


def _at(add: Any, doc: SourceDoc, path: FieldPath, message: str, hint: str | None) -> None:
    pos = doc.where(path)
    add(
        doc.rel,
        message,
        line=pos.line if pos else None,
        column=pos.column if pos else None,
        field=dotted(path),
        hint=hint,
    )


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
                _error_at(
                    problems,
                    doc,
                    ("id",) if "id" in doc.meta else (),
                    f"duplicate id '{ident}': {first_seen[ident].rel} uses it too",
                    "give each file its own id",
                )
                continue
            if kind == "pages" and ident in RESERVED_PAGE_IDS:
                _error_at(
                    problems,
                    doc,
                    ("id",) if "id" in doc.meta else (),
                    f"'{ident}' is reserved for the generator's own pages",
                    "rename the file or set another id",
                )
                continue
            first_seen[ident] = doc
            parsed = _parse(model, doc, {**doc.meta, "id": ident}, problems)
            if parsed is not None:
                into[ident] = (parsed, doc)
        declared[kind] = set(first_seen) | set((unreadable or {}).get(kind, ()))

    _check_goal_rules(goal_metas, problems)
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
        for p, (m, d) in sorted(page_metas.items(), key=lambda kv: (kv[1][0].order, kv[0]))
    }
    return Site(config, goals, paths, pages)


def _check_goal_rules(goals: dict[str, tuple[GoalMeta, SourceDoc]], problems: Problems) -> None:
    for m, doc in goals.values():
        k = m.kpi
        base = k.baseline
        if base is not None and base.value is not None:
            wrong_way = (k.direction == "increase" and k.target.value <= base.value) or (
                k.direction == "decrease" and k.target.value >= base.value
            )
            if wrong_way:
                _error_at(
                    problems,
                    doc,
                    ("kpi", "target", "value"),
                    f"target {k.target.value:g} does not {k.direction} from the baseline "
                    f"{base.value:g}",
                    "check the direction, or swap baseline and target",
                )
        if base is not None and base.as_of and base.as_of >= k.target.date:
            _error_at(
                problems,
                doc,
                ("kpi", "target", "date"),
                f"the deadline {k.target.date} is not after the baseline ({base.as_of})",
            )
        for i, ms in enumerate(k.milestones):
            if ms.date > k.target.date or (base and base.as_of and ms.date < base.as_of):
                _error_at(
                    problems,
                    doc,
                    ("kpi", "milestones", i, "date"),
                    f"milestone {ms.date} lies outside baseline → deadline",
                )


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
                    _error_at(
                        problems,
                        doc,
                        (list_name, i, "id"),
                        f"{item.id!r} is not a valid id",
                        f"use lowercase letters, digits and hyphens, e.g. '{slugify(item.id)}'",
                    )
                if item.id in seen:
                    _error_at(
                        problems,
                        doc,
                        (list_name, i, "id"),
                        f"duplicate id '{item.id}' in {list_name}",
                        "give each its own id",
                    )
                seen.add(item.id)
        for i, c in enumerate(m.cohorts):
            if c.id in cohort_owner and cohort_owner[c.id] != pid:
                _error_at(
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
            _error_at(
                problems,
                doc,
                ("parent",),
                f"unknown goal '{m.parent}'",
                _suggest(m.parent, goals) or "use the id of another goal file",
            )
        for i, p in enumerate(m.learning_paths):
            if p not in known_paths:
                _error_at(
                    problems,
                    doc,
                    ("learning_paths", i),
                    f"unknown learning path '{p}'",
                    _suggest(p, paths) or "use the id of a file in content/paths/",
                )
        _check_cycle(gid, goals, doc, problems)
    for pm, doc in paths.values():
        for i, g in enumerate(pm.goals):
            if g not in known_goals:
                _error_at(
                    problems,
                    doc,
                    ("goals", i),
                    f"unknown goal '{g}'",
                    _suggest(g, goals) or "use the id of a file in content/goals/",
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
            _error_at(
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
    site: Site, dataset: Any, problems: Problems, as_of: dt.date | None = None
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
            _error_at(
                problems,
                doc,
                ("monitoring", "control_group"),
                f"unknown group or cohort '{cg}'",
                _suggest(cg, groups | cohorts) or "name a cohort id or a group in the KPI data",
            )
        pending = m.kpi.data_from is not None and as_of is not None and as_of < m.kpi.data_from
        if m.kpi.metric not in metrics and not pending:
            warning_at(
                problems,
                doc,
                ("kpi", "metric"),
                f"no KPI data for metric '{m.kpi.metric}' yet; the goal shows 'no data'",
                _suggest(m.kpi.metric, metrics)
                or f"add rows to {dataset.sources.get('kpis') or 'data/kpis.csv'}",
            )
