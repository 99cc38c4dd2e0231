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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import Problems
from ..load.content import SourceDoc
from ..text import closest, normalise
from .kpi_references import check_freshness, check_kpi_groups
from .problems import listing, source_of, warning_at
from .site import Site

if TYPE_CHECKING:
    from ..data.dataset import Dataset


def _rows_text(dataset: Dataset, table: str, rows: np.ndarray) -> str:
    """``data/learning.csv has 46 rows with`` … ``(lines 12, 15, 18 …)`` pieces."""
    places = getattr(dataset, "places", {}).get(table)
    where = places.describe(rows) if places is not None else ""
    return f" ({where})" if where else ""


def _report_unknown(
    problems: Problems,
    dataset: Dataset,
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
    source = source_of(dataset, table)
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
    options = listing(k for k, _, _ in known)
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


def check_learning(site: Site, dataset: Dataset, problems: Problems) -> None:
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


def check_skills(site: Site, dataset: Dataset, problems: Problems) -> None:
    """Teams and skills goals name, against the skills inventory and the paths."""
    rows = dataset.skills
    taught: dict[str, str] = {}
    for pid, p in site.paths.items():
        for a in p.meta.activities:
            for s in a.skills:
                taught.setdefault(s, pid)
    teams = set(rows["team"].unique()) - {""} if rows is not None and len(rows) else set()
    skills = set(rows["skill"].unique()) if rows is not None and len(rows) else set()
    source = source_of(dataset, "skills")
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
                    f"did you mean '{near}'?" if near else f"teams in {source}: {listing(teams)}",
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
                    f"did you mean '{near}'?" if near else f"skills in {source}: {listing(skills)}",
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


def check_references(site: Site, dataset: Dataset, problems: Problems, *, as_of: dt.date) -> None:
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
