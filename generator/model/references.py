"""Every reference between the content and the data, checked (validate stage).

A typo between a goal or path file and an export must never turn into a confident false
figure ("passed 0", "no current skill level", "no data"): each id the content names
that the data lacks, or the data names that the content lacks, is a warning (an error
under ``--strict``) that says where both sides are and which id was probably meant.

- learning data: paths, cohorts (per path) and activities (per path);
- skills data: the teams of ``target_groups`` and the skills goals require; a required
  skill no path teaches while a path teaches one spelt almost the same;
- KPI data: ``kpi.group``, each cohort's KPI group and ``monitoring.control_group``, for
  the goal's metric; and freshness: a goal whose KPI has no observation in the last
  ``stale_after`` periods before the report date (the page would say "stale data").

"Probably meant": the same id up to case, spaces, ``_`` and ``-``, else the closest
spelling (difflib, ratio ≥ 0.6).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problems
from ..load.content import SourceDoc
from .site import Site, warning_at

SHOWN_OPTIONS = 6
"""Ids listed in a hint when none is close."""


def normalise(name: str) -> str:
    """``CRM navigation``, ``crm_navigation`` and ``crm-navigation`` alike."""
    return re.sub(r"[\s_\-]+", "-", name.strip().casefold())


def closest(name: str, options: Iterable[str]) -> str | None:
    """The option ``name`` probably meant: equal after :func:`normalise`, else the
    closest spelling; None when nothing is close."""
    opts = sorted({o for o in options if o})
    key = normalise(name)
    same = [o for o in opts if normalise(o) == key]
    if same:
        return same[0]
    by_key = {normalise(o): o for o in opts}
    # Numbered families (skill-8, skill-28; goal-0198) differ only in their digits: a
    # different member, not a misspelling.
    letters = re.sub(r"\d+", "#", key)
    candidates = [k for k in by_key if re.sub(r"\d+", "#", k) != letters]
    near = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    return by_key[near[0]] if near else None


def _listing(options: Iterable[str]) -> str:
    opts = sorted({o for o in options if o})
    shown = ", ".join(f"'{o}'" for o in opts[:SHOWN_OPTIONS])
    return shown + (f" and {len(opts) - SHOWN_OPTIONS} more" if len(opts) > SHOWN_OPTIONS else "")


def _rows_text(dataset: Any, table: str, rows: np.ndarray) -> str:
    """``data/learning.csv has 46 rows with`` … ``(lines 12, 15, 18 …)`` pieces."""
    places = getattr(dataset, "places", {}).get(table)
    where = places.describe(rows) if places is not None else ""
    return f" ({where})" if where else ""


def _source(dataset: Any, table: str) -> str:
    return dataset.sources.get(table) or f"the {table} data"


def _report_unknown(
    problems: Problems,
    dataset: Any,
    table: str,
    *,
    kind: str,
    value: str,
    rows: np.ndarray,
    which: str,
    known: Sequence[tuple[str, SourceDoc, tuple[Any, ...]]],
    fix_here: str,
) -> None:
    """Data rows naming ``value``, which the content lacks (``which``: "path 'p' does not
    have"): a warning at the id they probably meant (content side), else at the data's
    first such row."""
    n = len(rows)
    source = _source(dataset, table)
    rows_word = "row" if n == 1 else "rows"
    said = f"{source} has {n} {rows_word} with {kind} '{value}'{_rows_text(dataset, table, rows)}"
    target = closest(value, [k for k, _, _ in known])
    if target is not None:
        doc, path = next((d, p) for k, d, p in known if k == target)
        warning_at(
            problems,
            doc,
            path,
            f"{said}, which {which}; those rows count for nothing",
            f"did you mean '{target}'? Use one spelling here and in {source}",
        )
        return
    places = getattr(dataset, "places", {}).get(table)
    line = None
    if places is not None and places.kind == "line" and len(places.numbers) > int(rows[0]):
        line = int(places.numbers[rows[0]])
    options = _listing(k for k, _, _ in known)
    problems.warning(
        source,
        f"{n} {rows_word} name {kind} '{value}', which {which}; "
        f"those rows count for nothing{_rows_text(dataset, table, rows)}",
        line=line,
        field=kind,
        hint=f"{fix_here}" + (f" (known: {options})" if options else ""),
    )


# --- learning data ------------------------------------------------------------------------


def _path_docs(site: Site) -> dict[str, Any]:
    return {pid: p for pid, p in site.paths.items()}


def check_learning(site: Site, dataset: Any, problems: Problems) -> None:
    """Paths, cohorts and activities named by learning records."""
    rows = dataset.learning
    if rows is None or rows.empty:
        return
    paths = _path_docs(site)
    path_col = rows["path"].to_numpy(dtype=object)
    cohort_col = rows["cohort"].to_numpy(dtype=object)
    activity_col = rows["activity"].to_numpy(dtype=object)
    known_paths = [(pid, p.source, ("id",)) for pid, p in paths.items()]
    for value in sorted(set(rows["path"].unique()) - set(paths) - {""}):
        _report_unknown(
            problems,
            dataset,
            "learning",
            kind="path",
            value=value,
            rows=np.flatnonzero(path_col == value),
            which="no file in content/paths/ defines",
            known=known_paths,
            fix_here=f"add content/paths/{value}.md or correct the rows",
        )
    cohort_path = {c.id: pid for pid, p in paths.items() for c in p.meta.cohorts}
    # Each row's path: the one it names, or (naming none) the path of its cohort.
    by_cohort = rows["cohort"].map(cohort_path).fillna("").to_numpy(dtype=object)
    named_known = np.isin(path_col, list(paths))
    owner_path = np.where(named_known, path_col, np.where(path_col == "", by_cohort, ""))
    # One pass over the distinct (path, cohort, activity) triples, not one per path.
    triples = pd.DataFrame(
        {"owner": owner_path, "named": named_known, "cohort": cohort_col, "activity": activity_col}
    ).drop_duplicates()
    for pid, seen in triples.groupby("owner", sort=True):
        if pid not in paths:
            continue
        path = paths[pid]
        cohorts = [c.id for c in path.meta.cohorts]
        known = [(c.id, path.source, ("cohorts", i, "id")) for i, c in enumerate(path.meta.cohorts)]
        in_path = set(seen.loc[seen["named"], "cohort"])
        for value in sorted(in_path - set(cohorts) - {""}):
            _report_unknown(
                problems,
                dataset,
                "learning",
                kind="cohort",
                value=value,
                rows=np.flatnonzero((path_col == pid) & (cohort_col == value)),
                which=f"path '{pid}' does not have",
                known=known,
                fix_here=f"add the cohort to {path.source.rel} or correct the rows",
            )
        activities = [a.id for a in path.meta.activities] + [pid]  # the path itself
        known = [
            (a.id, path.source, ("activities", i, "id")) for i, a in enumerate(path.meta.activities)
        ]
        for value in sorted(set(seen["activity"]) - set(activities) - {""}):
            _report_unknown(
                problems,
                dataset,
                "learning",
                kind="activity",
                value=value,
                rows=np.flatnonzero((owner_path == pid) & (activity_col == value)),
                which=f"path '{pid}' does not have",
                known=known,
                fix_here=f"add the activity to {path.source.rel} or correct the rows",
            )
    # No path and no known cohort: the rows belong to a path only by their activity.
    orphan = (path_col == "") & ~np.isin(cohort_col, list(cohort_path))
    all_activities = [
        (a.id, p.source, ("activities", i, "id"))
        for p in paths.values()
        for i, a in enumerate(p.meta.activities)
    ]
    all_cohorts = [
        (c.id, p.source, ("cohorts", i, "id"))
        for p in paths.values()
        for i, c in enumerate(p.meta.cohorts)
    ]
    for value in sorted(set(cohort_col[orphan]) - {""}):
        _report_unknown(
            problems,
            dataset,
            "learning",
            kind="cohort",
            value=value,
            rows=np.flatnonzero(orphan & (cohort_col == value)),
            which="no path has",
            known=all_cohorts,
            fix_here="name a cohort of a path in content/paths/, or give the rows a path",
        )
    known_ids = {a for a, _, _ in all_activities} | set(paths)
    loose = orphan & (cohort_col == "")
    for value in sorted(set(activity_col[loose]) - known_ids - {""}):
        _report_unknown(
            problems,
            dataset,
            "learning",
            kind="activity",
            value=value,
            rows=np.flatnonzero(loose & (activity_col == value)),
            which="no path has",
            known=all_activities,
            fix_here="give the rows a path and cohort, or add the activity to a path",
        )


# --- skills data --------------------------------------------------------------------------


def check_skills(site: Site, dataset: Any, problems: Problems) -> None:
    """Teams and skills goals name, against the skills inventory and the paths."""
    rows = dataset.skills
    taught: dict[str, str] = {}
    for pid, p in site.paths.items():
        for a in p.meta.activities:
            for s in a.skills:
                taught.setdefault(s, pid)
    teams = set(rows["team"].unique()) - {""} if rows is not None and len(rows) else set()
    skills = set(rows["skill"].unique()) if rows is not None and len(rows) else set()
    source = _source(dataset, "skills")
    for goal in site.goals.values():
        m, doc = goal.meta, goal.source
        if not m.skills:
            continue
        if teams:
            for i, group in enumerate(m.target_groups):
                if group in teams:
                    continue
                near = closest(group, teams)
                warning_at(
                    problems,
                    doc,
                    ("target_groups", i),
                    f"no skill records for team '{group}' in {source}; its skills gap "
                    "would show no current level",
                    f"did you mean '{near}'?" if near else f"teams in {source}: {_listing(teams)}",
                )
        for skill in m.skills:
            if skills and skill not in skills:
                near = closest(skill, skills)
                warning_at(
                    problems,
                    doc,
                    ("skills", skill),
                    f"no skill records for '{skill}' in {source}; its gap would show no "
                    "current level",
                    f"did you mean '{near}'?"
                    if near
                    else f"skills in {source}: {_listing(skills)}",
                )
            if skill not in taught:
                # only the same name written differently: a near spelling is often
                # another skill (negotiation, navigation)
                near = next((t for t in taught if normalise(t) == normalise(skill)), None)
                if near is not None:
                    warning_at(
                        problems,
                        doc,
                        ("skills", skill),
                        f"no path teaches '{skill}', but path '{taught[near]}' teaches "
                        f"'{near}'; the page would say no path teaches it",
                        "use one spelling in both files",
                    )


# --- KPI data -----------------------------------------------------------------------------


def _groups_by_metric(kpis: pd.DataFrame) -> dict[str, set[str]]:
    if kpis is None or kpis.empty:
        return {}
    pairs = kpis[["metric", "group"]].drop_duplicates()
    out: dict[str, set[str]] = {}
    for metric, group in pairs.itertuples(index=False):
        out.setdefault(str(metric), set()).add(str(group))
    return out


def check_kpi_groups(site: Site, dataset: Any, problems: Problems) -> None:
    """``kpi.group``, cohorts' KPI groups and control groups, for each goal's metric."""
    by_metric = _groups_by_metric(dataset.kpis)
    source = _source(dataset, "kpis")
    reported: set[tuple[str, str, str]] = set()
    for goal in site.goals.values():
        m, doc = goal.meta, goal.source
        metric = m.kpi.metric
        groups = by_metric.get(metric)
        if not groups:
            continue  # no data for the metric at all: kpi.metric's own warning says so
        named = groups - {""}

        def hint(value: str, groups: set[str] = named, metric: str = metric) -> str:
            near = closest(value, groups)
            return (
                f"did you mean '{near}'?"
                if near
                else f"groups with '{metric}' rows: {_listing(groups) or 'none'}"
            )

        if m.kpi.group and m.kpi.group not in groups:
            warning_at(
                problems,
                doc,
                ("kpi", "group"),
                f"{source} has no '{metric}' rows for group '{m.kpi.group}'; the goal would "
                "show 'no data'",
                hint(m.kpi.group),
            )
        cg = m.monitoring.control_group
        if cg is not None:
            found = site.cohort(cg)
            key = found[1].kpi_group if found else cg
            anywhere = any(key in g for g in by_metric.values())
            if key not in groups and (anywhere or found):  # else: an error already
                warning_at(
                    problems,
                    doc,
                    ("monitoring", "control_group"),
                    f"{source} has no '{metric}' rows for the control group '{key}'; "
                    "no difference-in-differences can use it",
                    hint(key),
                )
        # Groups another cohort or the control group reads are not what a typo meant.
        claimed = {c.kpi_group for pid in goal.paths for c in site.paths[pid].meta.cohorts} | (
            {_kpi_group_of(site, cg)} if cg else set()
        )
        for pid in goal.paths:
            path = site.paths[pid]
            for i, c in enumerate(path.meta.cohorts):
                key = c.kpi_group
                if key in groups or (pid, c.id, metric) in reported:
                    continue
                near = closest(key, named - claimed)
                if near is None:
                    # no group spelt like it: a cohort not measured on its own (yet), which
                    # its impact estimate says in words; not a typo to flag
                    continue
                reported.add((pid, c.id, metric))
                field = ("cohorts", i, "group") if c.group else ("cohorts", i, "id")
                warning_at(
                    problems,
                    path.source,
                    field,
                    f"cohort '{c.id}' reads KPI group '{key}', but {source} has no "
                    f"'{metric}' rows for it (goal '{goal.meta.id}'); the cohort gets no "
                    "impact estimate",
                    f"did you mean '{near}'?"
                    + ("" if c.group else " Set the cohort's group: to its KPI group"),
                )


def check_freshness(site: Site, dataset: Any, problems: Problems, *, as_of: dt.date) -> None:
    """A goal whose KPI has no observation in the last ``stale_after`` periods."""
    from ..dates import period_index, period_label

    seen = getattr(dataset, "observed", None)
    if seen is None or seen.empty:
        return
    period = site.config.period
    # the last observation day per metric, the same from files and SQL
    latest = dict(zip(seen["metric"].astype(str), seen["last"], strict=True))
    source = _source(dataset, "kpis")
    for goal in site.goals.values():
        m = goal.meta
        metric = m.kpi.metric
        last = latest.get(metric)
        if last is None or pd.isna(last):
            continue
        last = min(pd.Timestamp(last), pd.Timestamp(as_of))
        behind = period_index(as_of, period) - period_index(last, period)
        if behind <= site.config.stale_after:
            continue
        warning_at(
            problems,
            goal.source,
            ("kpi", "metric"),
            f"the latest '{metric}' figure in {source} is from {period_label(last, period)}, "
            f"{behind} {period}s before the report date {as_of.isoformat()}; the goal shows "
            "'stale data'",
            f"add newer rows to {source}, or set analysis.as_of in goalpath.toml",
        )


def _kpi_group_of(site: Site, ident: str) -> str:
    """The KPI group a cohort id stands for, or the id itself (a KPI group named directly)."""
    found = site.cohort(ident)
    return found[1].kpi_group if found else ident


def check_references(site: Site, dataset: Any, problems: Problems, *, as_of: dt.date) -> None:
    """Every check of this module (see the module docstring); none against a table
    that could not be read at all (its own error says why)."""
    unreadable: frozenset[str] = getattr(dataset, "unreadable", frozenset())
    if "learning" not in unreadable:
        check_learning(site, dataset, problems)
    if "skills" not in unreadable:
        check_skills(site, dataset, problems)
    if "kpis" not in unreadable:
        check_kpi_groups(site, dataset, problems)
        check_freshness(site, dataset, problems, as_of=as_of)
