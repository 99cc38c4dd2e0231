#!/usr/bin/env python3
"""Write the example site's data: ``data/kpis.csv``, ``data/learning.csv``, ``data/skills.csv``.

The example organisation is *Aster Health Group*: two hospitals (wards 4A, 4B and 6 at
Aster Hospital Lund), a medical-products company that makes infusion sets and pumps at the
Lindholm plant, ships them from the East warehouse, sells them in the DACH market and
supports hospital customers from two service desks (Malmö and Leipzig) plus an outsourced
partner desk.

Everything is deterministic: each part draws from its own seeded ``numpy`` generator, so
the same content gives byte-identical files, and changing one metric does not reshuffle
the others. The script reads the cohorts and activities from ``content/paths/*.md`` and the
required skills from ``content/goals/*.md``, so the learning records and the skills
inventory always match the content. Run it from anywhere::

    python scripts/make_example_data.py            # writes <repo>/data/*.csv
    python scripts/make_example_data.py --out /tmp/data

What is planted (the site's analysis should find it again):

* **Difference-in-differences effects** (trained cohort vs. its comparison group, with
  parallel trends before training):
  - sales-dach-north: +8% DACH revenue, ramping in over 12 weeks after training ends
    (deals take time to close); comparison: sales-dach-south (trains from September 2026,
    no effect before the end of October).
  - service-team-a: +11 CSAT points (team B the same, but only from autumn 2026);
    comparison: the partner desk (service-partner), which never trains. All desks share a
    +3.5 point lift from a new knowledge base in January 2026, which DiD must not credit
    to training.
  - ward-4a: −0.9 medication errors per 1000 doses (about −20%); comparison: ward-6.
  - line-1 (lean-operator path): about +0.3 OEE points, i.e. practically no effect:
    high completion, no behaviour change (changeover minutes do not fall).
* **Goal statuses as of 2026-10-31** (period month, default thresholds): the company goal,
  safer care and medication errors on track; CSAT achieved; DACH revenue at risk; OEE and
  patient falls off track; lost-time accidents not started (its path starts in November
  2026); onboarding time "no data" (``time_to_productivity_days`` has no rows at all).
* **Privacy**: the spring onboarding intake has 4 learners (below the default
  ``min_group_size`` of 5).
* **Skills gap**: ``falls-risk-assessment`` is required by a goal but taught by no path.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261031
FIRST_DAY = pd.Timestamp("2025-01-01")
AS_OF = pd.Timestamp("2026-10-31")
"""The data's "as of": nothing after this day is written."""
WEEKS = pd.date_range("2025-01-06", AS_OF, freq="W-MON")
"""Weekly observations are dated on Mondays."""
MONTHS = pd.date_range("2025-01-31", AS_OF, freq="ME")
"""Monthly observations are dated on the last day of the month."""
INVENTORY_DATE = dt.date(2025, 11, 28)
"""The skills inventory of every team (new hires: their first day)."""
REASSESSMENT_DATE = dt.date(2026, 9, 30)
"""Second skills assessment, for people whose cohort finished before it."""

KPI_COLUMNS = ["date", "metric", "value", "group"]
LEARNING_COLUMNS = [
    "date",
    "learner",
    "activity",
    "verb",
    "path",
    "cohort",
    "score",
    "duration_min",
]
SKILLS_COLUMNS = ["person", "skill", "level", "team", "date"]


def rng_for(name: str) -> np.random.Generator:
    """A generator of its own per part, so parts do not shift each other's draws."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


# ---------------------------------------------------------------- content


def front_matter(path: Path) -> dict:
    lines = path.read_text(encoding="utf-8").split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    return yaml.safe_load("\n".join(lines[1:end])) or {}


def load_content(root: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    goals = {p.stem: front_matter(p) for p in sorted((root / "content/goals").glob("*.md"))}
    paths = {p.stem: front_matter(p) for p in sorted((root / "content/paths").glob("*.md"))}
    for pid, meta in paths.items():
        weeks = max(a["week"] for a in meta["activities"])
        for c in meta["cohorts"]:
            c["start"] = pd.Timestamp(c["start"])
            c["end"] = c["start"] + pd.Timedelta(weeks=weeks) - pd.Timedelta(days=1)
            c["path"] = pid
    return goals, paths


def cohorts_by_id(paths: dict[str, dict]) -> dict[str, dict]:
    return {c["id"]: c for meta in paths.values() for c in meta["cohorts"]}


# ---------------------------------------------------------------- shapes over time


def days(when: pd.DatetimeIndex | pd.Timestamp) -> np.ndarray | float:
    """Days since 2025-01-01 (independent of the datetime unit pandas picked)."""
    if isinstance(when, pd.Timestamp):
        return float((when - FIRST_DAY).days)
    return np.asarray((when - FIRST_DAY).days, dtype=float)


def years(dates: pd.DatetimeIndex) -> np.ndarray:
    """Years since 2025-01-01 (fractional)."""
    return np.asarray((dates - FIRST_DAY).days, dtype=float) / 365.25


def learning_curve(dates: pd.DatetimeIndex, cohort: dict, lag_weeks: int = 6) -> np.ndarray:
    """Share of a training effect in place: 0 before the start, 0.5 when the last week
    ends, 1 ``lag_weeks`` later (people apply what they learnt as they go)."""
    d = days(dates)
    s, e = days(cohort["start"]), days(cohort["end"])
    f = e + 7 * lag_weeks
    out = np.where(
        d < s, 0.0, np.where(d <= e, 0.5 * (d - s) / (e - s), 0.5 + 0.5 * (d - e) / (f - e))
    )
    return np.clip(out, 0.0, 1.0)


def delayed_curve(dates: pd.DatetimeIndex, cohort: dict, ramp_weeks: int = 12) -> np.ndarray:
    """An effect that only starts once training ends, then ramps in (e.g. sales pipelines)."""
    d = days(dates)
    e = days(cohort["end"])
    f = e + 7 * ramp_weeks
    return np.clip((d - e) / (f - e), 0.0, 1.0)


def step_in(dates: pd.DatetimeIndex, when: str, weeks: int) -> np.ndarray:
    """0 before ``when``, rising linearly to 1 over ``weeks`` (a non-training change)."""
    d = days(dates)
    s = days(pd.Timestamp(when))
    f = s + 7 * weeks
    return np.clip((d - s) / (f - s), 0.0, 1.0)


def month_factor(dates: pd.DatetimeIndex, by_month: dict[int, float]) -> np.ndarray:
    return np.array([by_month.get(d.month, 0.0) for d in dates])


REVENUE_SEASON = {
    1: 0.95,
    2: 0.97,
    3: 1.04,
    4: 1.01,
    5: 1.02,
    6: 1.04,
    7: 0.98,
    8: 0.91,
    9: 1.03,
    10: 1.00,
    11: 1.04,
    12: 1.01,
}
"""Multiplicative monthly pattern of sales (mean 1.0): summer and Christmas are slow."""
WINTER = {12: 1.0, 1: 1.0, 2: 0.6, 11: 0.4}
"""Winter pressure on the hospital (staffing, flu season), 0–1."""
SUMMER = {7: 1.0, 8: 0.8}
"""Summer holidays in the plant (temporary staff on the lines)."""


# ---------------------------------------------------------------- KPI rows


class Kpis:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, float, str]] = []

    def add(
        self, metric: str, dates: pd.DatetimeIndex, values: np.ndarray, group: str, decimals: int
    ) -> None:
        for d, v in zip(dates, values, strict=True):
            text = f"{float(v):.{decimals}f}"  # written as text: counts stay whole numbers
            self.rows.append((d.date().isoformat(), metric, text, group))

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=KPI_COLUMNS)
        return df.sort_values(["metric", "group", "date"], kind="stable").reset_index(drop=True)


def add_group_metric(
    kpis: Kpis,
    metric: str,
    dates: pd.DatetimeIndex,
    *,
    groups: dict[str, tuple[float, float]],
    common: np.ndarray,
    effects: dict[str, np.ndarray],
    noise: float,
    org_noise: float,
    decimals: int,
    rng: np.random.Generator,
    emit: tuple[str, ...] | None = None,
    low: float = -np.inf,
    high: float = np.inf,
) -> None:
    """A rate or score per group (level + shared pattern + training effect + noise) and the
    whole organisation as the weighted mean of the groups' true values plus its own noise.

    ``groups`` maps group → (level, weight in the organisation); groups not in ``emit``
    count towards the organisation but get no rows of their own (other wards, lines …).
    """
    emit = tuple(groups) if emit is None else emit
    total_w = sum(w for _, w in groups.values())
    org_true = np.zeros(len(dates))
    for g, (level, weight) in groups.items():
        true = level + common + effects.get(g, 0.0)
        org_true += weight / total_w * true
        if g in emit:
            kpis.add(
                metric,
                dates,
                np.clip(true + rng.normal(0, noise, len(dates)), low, high),
                g,
                decimals,
            )
    kpis.add(
        metric,
        dates,
        np.clip(org_true + rng.normal(0, org_noise, len(dates)), low, high),
        "",
        decimals,
    )


def make_kpis(cohorts: dict[str, dict]) -> pd.DataFrame:
    kpis = Kpis()
    W, M = WEEKS, MONTHS

    # Company: group revenue, M EUR per month (whole organisation only).
    r = rng_for("group_revenue_meur")
    growth = (1 + 0.04) ** years(M)
    vals = 41.0 * growth * np.array([REVENUE_SEASON[d.month] for d in M])
    kpis.add("group_revenue_meur", M, vals * (1 + r.normal(0, 0.006, len(M))), "", 2)

    # Sales: DACH revenue, k EUR per month, per region; the organisation row is the market.
    r = rng_for("revenue_dach_keur")
    season = np.array([REVENUE_SEASON[d.month] for d in M])
    growth = (1 + 0.02) ** years(M)
    regions = {
        "sales-dach-north": 880.0,
        "sales-dach-south": 760.0,
        "sales-dach-key-accounts": 230.0,
        "inside-sales": 60.0,
    }
    lift = {"sales-dach-north": 0.08 * delayed_curve(M, cohorts["sales-dach-north"])}
    market = np.zeros(len(M))
    for g, level in regions.items():
        v = level * growth * season * (1 + lift.get(g, 0.0)) * (1 + r.normal(0, 0.01, len(M)))
        market += v
        if g != "inside-sales":
            kpis.add("revenue_dach_keur", M, v, g, 1)
    kpis.add("revenue_dach_keur", M, market, "", 1)

    # Sales leading indicator: discovery meetings per rep and week.
    add_group_metric(
        kpis,
        "discovery_meetings_per_rep",
        W,
        groups={"sales-dach-north": (3.1, 14), "sales-dach-south": (3.0, 12)},
        common=0.15 * np.sin(2 * np.pi * years(W)),
        effects={"sales-dach-north": 1.2 * learning_curve(W, cohorts["sales-dach-north"])},
        noise=0.3,
        org_noise=0.15,
        decimals=2,
        rng=rng_for("discovery_meetings_per_rep"),
        low=0,
    )

    # Customer service: CSAT (% of surveyed customers satisfied), weekly per desk.
    knowledge_base = 3.5 * step_in(W, "2026-01-12", 8)
    dec_peak = -1.5 * month_factor(W, {12: 1.0})
    add_group_metric(
        kpis,
        "csat_score",
        W,
        groups={
            "service-team-a": (71.0, 0.45),
            "service-team-b": (73.0, 0.38),
            "service-partner": (69.0, 0.17),
        },
        common=knowledge_base + dec_peak,
        effects={
            "service-team-a": 11.0 * learning_curve(W, cohorts["service-team-a"]),
            "service-team-b": 11.0 * learning_curve(W, cohorts["service-team-b"], 4),
        },
        noise=1.6,
        org_noise=0.7,
        decimals=1,
        rng=rng_for("csat_score"),
        low=0,
        high=100,
    )
    add_group_metric(
        kpis,
        "first_contact_resolution",
        W,
        groups={
            "service-team-a": (64.0, 0.45),
            "service-team-b": (66.0, 0.38),
            "service-partner": (61.0, 0.17),
        },
        common=2.0 * step_in(W, "2026-01-12", 8),
        effects={
            "service-team-a": 8.0 * learning_curve(W, cohorts["service-team-a"]),
            "service-team-b": 8.0 * learning_curve(W, cohorts["service-team-b"], 4),
        },
        noise=2.0,
        org_noise=0.9,
        decimals=1,
        rng=rng_for("first_contact_resolution"),
        low=0,
        high=100,
    )

    # Hospital: medication errors per 1000 doses, weekly per ward (6 = comparison).
    wards = {
        "ward-4a": (4.6, 0.18),
        "ward-4b": (4.3, 0.22),
        "ward-6": (4.0, 0.23),
        "other-wards": (4.1, 0.37),
    }
    add_group_metric(
        kpis,
        "medication_errors_per_1000_doses",
        W,
        groups=wards,
        # Winter pressure, and a slow upward drift from staff shortages on every ward.
        common=0.2 * month_factor(W, WINTER) + 0.06 * years(W),
        effects={
            "ward-4a": -0.9 * learning_curve(W, cohorts["ward-4a"]),
            "ward-4b": -0.9 * learning_curve(W, cohorts["ward-4b"]),
        },
        noise=0.4,
        org_noise=0.15,
        decimals=2,
        rng=rng_for("medication_errors_per_1000_doses"),
        emit=("ward-4a", "ward-4b", "ward-6"),
        low=0,
    )
    add_group_metric(
        kpis,
        "double_check_rate",
        W,
        groups={
            "ward-4a": (61.0, 0.18),
            "ward-4b": (64.0, 0.22),
            "ward-6": (66.0, 0.23),
            "other-wards": (63.0, 0.37),
        },
        common=-2.0 * month_factor(W, WINTER),
        effects={
            "ward-4a": 25.0 * learning_curve(W, cohorts["ward-4a"], 4),
            "ward-4b": 22.0 * learning_curve(W, cohorts["ward-4b"], 4),
        },
        noise=3.0,
        org_noise=1.2,
        decimals=1,
        rng=rng_for("double_check_rate"),
        emit=("ward-4a", "ward-4b", "ward-6"),
        low=0,
        high=100,
    )

    # Hospital-wide, monthly: harm events, falls and falls-risk screening.
    r = rng_for("harm_events_per_1000_bed_days")
    t = years(M)
    improving = step_in(M, "2026-02-01", 30)
    harm = 2.42 + 0.12 * month_factor(M, WINTER) - 0.15 * improving
    kpis.add("harm_events_per_1000_bed_days", M, harm + r.normal(0, 0.04, len(M)), "", 2)
    r = rng_for("patient_falls_per_1000_bed_days")
    falls = 3.08 + 0.08 * month_factor(M, WINTER) - 0.02 * t
    kpis.add("patient_falls_per_1000_bed_days", M, falls + r.normal(0, 0.05, len(M)), "", 2)
    r = rng_for("falls_risk_screening_rate")
    kpis.add("falls_risk_screening_rate", M, 54 + 2.0 * t + r.normal(0, 2.0, len(M)), "", 1)

    # Plant: OEE (%), weekly per line; line 3 trains last (comparison).
    lines = {"line-1": (59.0, 0.35), "line-2": (62.0, 0.35), "line-3": (60.5, 0.30)}
    tiny = {
        "line-1": 0.3 * learning_curve(W, cohorts["line-1-crew"]),
        "line-2": 0.3 * learning_curve(W, cohorts["line-2-crew"]),
    }
    add_group_metric(
        kpis,
        "oee_percent",
        W,
        groups=lines,
        common=0.3 * years(W) - 1.5 * month_factor(W, SUMMER),
        effects=tiny,
        noise=1.6,
        org_noise=0.7,
        decimals=1,
        rng=rng_for("oee_percent"),
        low=0,
        high=100,
    )
    add_group_metric(
        kpis,
        "changeover_minutes",
        W,
        groups={"line-1": (48.0, 0.35), "line-2": (44.0, 0.35), "line-3": (51.0, 0.30)},
        common=2.0 * month_factor(W, SUMMER),
        effects={
            "line-1": -0.8 * learning_curve(W, cohorts["line-1-crew"]),
            "line-2": -0.8 * learning_curve(W, cohorts["line-2-crew"]),
        },
        noise=3.5,
        org_noise=1.5,
        decimals=0,
        rng=rng_for("changeover_minutes"),
        low=10,
    )

    # Occupational safety: monthly counts per site; the organisation row is their sum
    # (plus the offices, which have no rows of their own). agg: sum in the goal.
    r = rng_for("lost_time_accidents")
    dark = month_factor(M, {10: 0.3, 11: 0.4, 12: 0.5, 1: 0.5, 2: 0.3})
    sites = {"lindholm-plant": 2.5, "east-warehouse": 1.25, "offices": 0.15}
    counts = {g: r.poisson(lam * (1 + dark)) for g, lam in sites.items()}
    # October 2026 is the start of the dark season and the warehouse's peak: two accidents
    # each (pinned, so the goal clearly has not moved before its training starts).
    counts["lindholm-plant"][-1] = 3
    counts["east-warehouse"][-1] = 2
    counts["offices"][-1] = 0
    for g in ("lindholm-plant", "east-warehouse"):
        kpis.add("lost_time_accidents", M, counts[g], g, 0)
    kpis.add("lost_time_accidents", M, sum(counts.values()), "", 0)

    r = rng_for("near_miss_reports")
    campaign = step_in(M, "2026-05-01", 8)  # a "report it" poster campaign, not training
    near = {"lindholm-plant": 14.0, "east-warehouse": 7.0, "offices": 1.0}
    total = np.zeros(len(M), dtype=int)
    for g, lam in near.items():
        c = r.poisson(lam * (1 + 0.15 * campaign))
        total += c
        if g != "offices":
            kpis.add("near_miss_reports", M, c, g, 0)
    kpis.add("near_miss_reports", M, total, "", 0)

    # time_to_productivity_days: deliberately no rows (the onboarding goal shows "no data").
    return kpis.frame()


# ---------------------------------------------------------------- learning records

PATH_STYLE = {
    # engagement ~ Beta(a, b); mean assessment score; its spread
    "consultative-selling": {"beta": (11.0, 1.5), "score": 82.0, "sd": 9.0},
    "service-excellence": {"beta": (9.0, 1.5), "score": 81.0, "sd": 9.0},
    "safe-medication": {"beta": (9.0, 1.6), "score": 85.0, "sd": 8.0},
    "lean-operator": {"beta": (16.0, 1.0), "score": 88.0, "sd": 6.0},
    "safety-leadership": {"beta": (9.0, 2.0), "score": 82.0, "sd": 9.0},
    "service-onboarding": {"beta": (12.0, 1.0), "score": 82.0, "sd": 8.0},
}
STARTED_AND_COMPLETED = ("course", "practice")
"""Self-paced kinds record ``started`` then ``completed``; the others only ``completed``."""


def assign_learners(paths: dict[str, dict]) -> dict[str, list[str]]:
    """Pseudonymous ids per cohort (every planned seat, future cohorts included)."""
    out: dict[str, list[str]] = {}
    n = 0
    for pid in sorted(paths):
        for c in paths[pid]["cohorts"]:
            size = int(c.get("size") or 0)
            out[c["id"]] = [f"L{n + i + 1:04d}" for i in range(size)]
            n += size
    return out


def make_learning(paths: dict[str, dict], members: dict[str, list[str]]) -> pd.DataFrame:
    rows: list[tuple] = []
    as_of = AS_OF.date()

    def add(
        day: dt.date,
        who: str,
        act: str,
        verb: str,
        pid: str,
        cid: str,
        score: float | None = None,
        minutes: float | None = None,
    ) -> None:
        if day <= as_of:
            rows.append(
                (
                    day.isoformat(),
                    who,
                    act,
                    verb,
                    pid,
                    cid,
                    "" if score is None else int(round(score)),
                    "" if minutes is None else int(round(minutes)),
                )
            )

    for pid in sorted(paths):
        meta = paths[pid]
        style = PATH_STYLE.get(pid, {"beta": (8.0, 2.0), "score": 80.0, "sd": 10.0})
        acts = sorted(meta["activities"], key=lambda a: a["week"])
        for c in meta["cohorts"]:
            r = rng_for(f"learning/{c['id']}")
            start = c["start"].date()
            people = members[c["id"]]
            # One planned seat stays empty in the bigger cohorts (someone left or moved).
            if len(people) >= 15:
                people = people[:-1]
            for who in people:
                eng = float(r.beta(*style["beta"]))
                # Enrolment is in the path itself (the xAPI object is the path), two to
                # four weeks before the cohort starts.
                add(
                    start - dt.timedelta(days=int(r.integers(10, 29))),
                    who,
                    pid,
                    "enrolled",
                    pid,
                    c["id"],
                )
                if start > as_of or r.random() < 0.03 + 0.1 * (1 - eng):
                    continue  # not started yet, or never started
                for i, a in enumerate(acts):
                    if i and r.random() < 0.10 * (1 - eng):
                        break  # dropped out
                    late = int(r.integers(0, 4)) if eng < 0.75 else 0
                    day = start + dt.timedelta(
                        weeks=a["week"] - 1, days=int(r.integers(0, 5)) + late
                    )
                    if day > as_of:
                        break
                    hours = float(a.get("hours") or 1.0)
                    kind = a["kind"]
                    if kind == "reflection":
                        if r.random() < 0.5 + 0.45 * eng:
                            add(
                                day,
                                who,
                                a["id"],
                                "reflected",
                                pid,
                                c["id"],
                                minutes=r.uniform(6, 25),
                            )
                        continue
                    if kind == "assessment":
                        add(day, who, a["id"], "started", pid, c["id"])
                        # Whole-number scores, rounded before the pass/fail decision.
                        score = float(
                            np.clip(
                                round(r.normal(style["score"] + 15 * (eng - 0.82), style["sd"])),
                                40,
                                100,
                            )
                        )
                        passed = score >= float(a.get("pass_score") or 0)
                        add(
                            day,
                            who,
                            a["id"],
                            "passed" if passed else "failed",
                            pid,
                            c["id"],
                            score=score,
                            minutes=hours * 60 * r.uniform(0.6, 1.1),
                        )
                        if not passed and r.random() < 0.75:
                            retake = day + dt.timedelta(days=int(r.integers(5, 12)))
                            score2 = float(np.clip(score + r.integers(6, 17), 40, 100))
                            ok = score2 >= float(a.get("pass_score") or 0)
                            add(
                                retake,
                                who,
                                a["id"],
                                "passed" if ok else "failed",
                                pid,
                                c["id"],
                                score=score2,
                                minutes=hours * 60 * r.uniform(0.6, 1.1),
                            )
                        continue
                    if r.random() < 0.08 * (1 - eng):
                        continue  # skipped this one, carries on
                    if kind in STARTED_AND_COMPLETED:
                        add(day, who, a["id"], "started", pid, c["id"])
                        day = day + dt.timedelta(days=int(r.integers(0, 3)))
                    add(
                        day,
                        who,
                        a["id"],
                        "completed",
                        pid,
                        c["id"],
                        minutes=hours * 60 * float(np.exp(r.normal(0, 0.2))),
                    )
    df = pd.DataFrame(rows, columns=LEARNING_COLUMNS)
    order = {"enrolled": 0, "started": 1, "reflected": 2, "completed": 2, "failed": 2, "passed": 2}
    df["_v"] = df["verb"].map(order)
    df = df.sort_values(["date", "learner", "_v", "activity"], kind="stable").drop(columns="_v")
    return df.reset_index(drop=True)


# ---------------------------------------------------------------- skills inventory

TEAMS = {
    # team (a goal's target group) → cohorts whose people belong to it, extra untrained people
    "sales-reps-dach": (["sales-dach-north", "sales-dach-south", "sales-dach-key-accounts"], 0),
    "service-agents": (["service-team-a", "service-team-b"], 0),
    "ward-nurses": (["ward-4a", "ward-4b"], 20),  # + Ward 6 and the float pool
    "line-operators": (["line-1-crew", "line-2-crew", "line-3-crew"], 0),
    "shift-supervisors": (["supervisors-plant", "supervisors-warehouse"], 0),
    "new-service-agents": (["new-hires-spring", "new-hires-autumn"], 0),
}
NEW_HIRE_TEAMS = {"new-service-agents"}
"""Teams whose people are inventoried on their first day, not in November 2025."""


def make_skills(
    goals: dict[str, dict],
    paths: dict[str, dict],
    members: dict[str, list[str]],
    learning: pd.DataFrame,
) -> pd.DataFrame:
    cohorts = cohorts_by_id(paths)
    taught: dict[str, set[str]] = {
        pid: {s for a in meta["activities"] for s in a.get("skills", [])}
        for pid, meta in paths.items()
    }
    required: dict[str, dict[str, int]] = {}
    for meta in goals.values():
        for team in meta.get("target_groups", []):
            for skill, level in (meta.get("skills") or {}).items():
                need = required.setdefault(team, {})
                need[skill] = max(need.get(skill, 0), int(level))
    done = learning[learning["verb"].isin(["completed", "passed"])]
    finished = set(done["learner"])
    next_id = 1 + max(int(x[1:]) for ids in members.values() for x in ids)
    rows: list[tuple] = []
    for team, (cohort_ids, extra) in TEAMS.items():
        r = rng_for(f"skills/{team}")
        skills = dict(required.get(team, {}))
        for cid in cohort_ids:
            for s in sorted(taught[cohorts[cid]["path"]]):
                skills.setdefault(s, 2)
        people: list[tuple[str, dict | None]] = [
            (who, cohorts[cid])
            for cid in cohort_ids
            for who in members[cid]
            if not (team in NEW_HIRE_TEAMS and cohorts[cid]["start"] > AS_OF)
        ]
        for _ in range(extra):
            people.append((f"L{next_id:04d}", None))
            next_id += 1
        for who, cohort in people:
            first = cohort["start"].date() if team in NEW_HIRE_TEAMS and cohort else INVENTORY_DATE
            talent = r.normal(0, 0.5)
            for skill, need in sorted(skills.items()):
                level = int(np.clip(round(need - 1.5 + talent + r.normal(0, 0.7)), 0, 5))
                rows.append((who, skill, level, team, first.isoformat()))
                trained = (
                    cohort is not None
                    and cohort["end"].date() < REASSESSMENT_DATE
                    and who in finished
                    and skill in taught[cohort["path"]]
                )
                if trained:
                    gain = 1 + int(r.random() < 0.15) if r.random() < 0.8 else 0
                    rows.append(
                        (who, skill, min(5, level + gain), team, REASSESSMENT_DATE.isoformat())
                    )
    df = pd.DataFrame(rows, columns=SKILLS_COLUMNS)
    return df.sort_values(["team", "person", "skill", "date"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- main


def write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT, help="site folder with content/")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default SITE/data)")
    args = parser.parse_args(argv)
    out = args.out or args.site / "data"
    goals, paths = load_content(args.site)
    cohorts = cohorts_by_id(paths)
    members = assign_learners(paths)
    kpis = make_kpis(cohorts)
    learning = make_learning(paths, members)
    skills = make_skills(goals, paths, members, learning)
    for name, df in (("kpis", kpis), ("learning", learning), ("skills", skills)):
        write_csv(df, out / f"{name}.csv")
        print(f"{out / (name + '.csv')}: {len(df)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
