"""The KPI side of the reference checks (``references.check_references`` runs them):
``kpi.group``, each cohort's KPI group and ``monitoring.control_group`` against the
groups the KPI data has for the goal's metric; and freshness, a goal whose KPI has no
observation in the last ``stale_after`` periods before the report date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import Problems
from ..text import closest
from .problems import listing, source_of, warning_at
from .schema import Kpi
from .site import Goal, Site

if TYPE_CHECKING:
    from ..data.dataset import Dataset


def _groups_by_metric(kpis: pd.DataFrame) -> dict[str, set[str]]:
    if kpis is None or kpis.empty:
        return {}
    pairs = kpis[["metric", "group"]].drop_duplicates()
    out: dict[str, set[str]] = {}
    for metric, group in pairs.itertuples(index=False):
        out.setdefault(str(metric), set()).add(str(group))
    return out


def check_kpi_groups(site: Site, dataset: Dataset, problems: Problems) -> None:
    """``kpi.group``, cohorts' KPI groups and control groups, for each goal's metric."""
    by_metric = _groups_by_metric(dataset.kpis)
    source = source_of(dataset, "kpis")
    reported: set[tuple[str, str, str]] = set()
    for goal in site.goals.values():
        for where, k in goal.meta.kpi_fields():
            _check_kpi_groups(site, goal, where, k, by_metric, source, reported, problems)


def _check_kpi_groups(
    site: Site,
    goal: Goal,
    where: tuple[str | int, ...],
    k: Kpi,
    by_metric: dict[str, set[str]],
    source: str,
    reported: set[tuple[str, str, str]],
    problems: Problems,
) -> None:
    """One KPI of a goal (``where``: ``kpi`` or ``kpis.i``) against its metric's groups."""
    m, doc = goal.meta, goal.source
    metric = k.metric
    groups = by_metric.get(metric)
    if not groups:
        return  # no data for the metric at all: kpi.metric's own warning says so
    named = groups - {""}

    def hint(value: str, groups: set[str] = named, metric: str = metric) -> str:
        near = closest(value, groups)
        return (
            f"did you mean '{near}'?"
            if near
            else f"groups with '{metric}' rows: {listing(groups) or 'none'}"
        )

    if k.group and k.group not in groups:
        warning_at(
            problems,
            doc,
            (*where, "group"),
            f"{source} has no '{metric}' rows for group '{k.group}'; the goal would show 'no data'",
            hint(k.group),
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


def check_freshness(site: Site, dataset: Dataset, problems: Problems, *, as_of: dt.date) -> None:
    """A goal whose KPI has no observation in the last ``stale_after`` periods."""
    from ..dates import period_index, period_label

    seen = getattr(dataset, "observed", None)
    if seen is None or seen.empty:
        return
    period = site.config.period
    # the last observation day per metric, the same from files and SQL
    latest = dict(zip(seen["metric"].astype(str), seen["last"], strict=True))
    source = source_of(dataset, "kpis")
    for goal, where, metric in (
        (g, where, k.metric) for g in site.goals.values() for where, k in g.meta.kpi_fields()
    ):
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
            (*where, "metric"),
            f"the latest '{metric}' figure in {source} is from {period_label(last, period)}, "
            f"{behind} {period}s before the report date {as_of.isoformat()}; the goal shows "
            "'stale data'",
            f"add newer rows to {source}, or set analysis.as_of in goalpath.toml",
        )


def _kpi_group_of(site: Site, ident: str) -> str:
    """The KPI group a cohort id stands for, or the id itself (a KPI group named directly)."""
    found = site.cohort(ident)
    return found[1].kpi_group if found else ident
