"""Write a large synthetic goalpath site (default 1,000 goals) for benchmarks.

    python benchmarks/make_big_site.py DIR [--goals 1000] [--kpi-rows 1000000]
    python benchmarks/make_big_site.py DIR --pages 1000       # plain pages only

Deterministic (seeded): goals in a three-level tree (company → department → team goals),
one learning path per ten goals with two cohorts each, KPI data for every goal
(organisation, the trained cohort's group and a control group) and a little learning and
skills data. The KPI data is monthly (24 months) unless ``kpi_rows`` asks for about that
many daily rows, spread evenly over the goals. ``write_pages`` writes a site of plain
Markdown pages only (what Hugo is timed on). Both validate and build like any other site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

DEPARTMENTS = ["Sales", "Service", "Nursing", "Production", "Safety", "HR", "Finance", "IT"]
MONTHS = 24  # 2025-01 .. 2026-12


def _month(i: int) -> str:
    return f"{2025 + i // 12}-{i % 12 + 1:02d}-15"


def goal_file(i: int, n_goals: int, rng: random.Random, baseline: str = "2025-06-30") -> str:
    parent = "" if i == 0 else f"parent: goal-{(i - 1) // 20:04d}\n"
    path = f"path-{i // 10:03d}"
    up = rng.random() < 0.5
    base, target = (50.0, 60.0) if up else (50.0, 42.0)
    return f"""---
title: Goal {i} — move metric {i} from {base:g} to {target:g}
owner: Owner {i % 37}
department: {DEPARTMENTS[i % len(DEPARTMENTS)]}
{parent}target_groups: [team-{i % 50}]
kpi:
  metric: metric_{i:04d}
  unit: points
  direction: {"increase" if up else "decrease"}
  baseline: {{value: {base:g}, date: {baseline}}}
  target: {{value: {target:g}, date: 2027-06-30}}
learning_paths: [{path}]
skills: {{skill-{i % 30}: 3}}
monitoring: {{cadence: monthly, control_group: control-{i // 10:03d}}}
actions: [Action one for goal {i}, Action two for goal {i}]
costs: {{training: {5000 + i}, currency: EUR}}
benefit_per_unit: 300
tags: [tag-{i % 12}]
---
## Why goal {i}

A synthetic goal for benchmarks. It links to [its path](../paths/{path}.md).
"""


def path_file(p: int, n_goals: int, start: str = "2025-10-01") -> str:
    goals = ", ".join(f"goal-{i:04d}" for i in range(p * 10, min(n_goals, p * 10 + 10)))
    return f"""---
title: Learning path {p}
goals: [{goals}]
format: blended
summary: Synthetic path {p}.
cohorts:
  - {{id: cohort-{p:03d}, name: Cohort {p}, start: {start}, size: 12}}
  - {{id: later-{p:03d}, name: Later cohort {p}, start: 2027-02-01, size: 12}}
activities:
  - {{id: intro, title: Introduction, kind: course, week: 1, hours: 2, skills: [skill-{p % 30}]}}
  - {{id: practice, title: Practice, kind: practice, week: 2, hours: 3}}
  - {{id: check, title: Assessment, kind: assessment, week: 4, pass_score: 75}}
---
Synthetic path {p}.
"""


def _monthly_kpis(n_goals: int, rng: random.Random) -> list[str]:
    kpis = ["date,metric,value,group"]
    for i in range(n_goals):
        metric, p = f"metric_{i:04d}", i // 10
        level = 50.0
        for m in range(MONTHS):
            trained = m >= 9
            noise = rng.uniform(-0.8, 0.8)
            kpis.append(f"{_month(m)},{metric},{level + 0.1 * m + noise:.2f},")
            kpis.append(
                f"{_month(m)},{metric},{level + 0.1 * m + (2.5 if trained else 0) + noise:.2f},"
                f"cohort-{p:03d}"
            )
            kpis.append(f"{_month(m)},{metric},{level + 0.1 * m - noise:.2f},control-{p:03d}")
    return kpis


def daily_window(n_goals: int, kpi_rows: int) -> tuple[list[dt.date], dt.date, dt.date]:
    """The days of a daily KPI site ending 2026-12-31, its baseline day and cohort start."""
    days = max(60, kpi_rows // (3 * n_goals))
    last = dt.date(2026, 12, 31)
    window = [last - dt.timedelta(days=days - 1 - d) for d in range(days)]
    return window, window[int(days * 0.3)], window[int(days * 0.45)]


def _daily_kpis(n_goals: int, kpi_rows: int, rng: random.Random) -> list[str]:
    window, _, start = daily_window(n_goals, kpi_rows)
    labels = [d.isoformat() for d in window]
    kpis = ["date,metric,value,group"]
    for i in range(n_goals):
        metric, p = f"metric_{i:04d}", i // 10
        cohort, control = f"cohort-{p:03d}", f"control-{p:03d}"
        for d, (day, label) in enumerate(zip(window, labels, strict=True)):
            trend = 50.0 + 0.003 * d
            noise = rng.uniform(-0.8, 0.8)
            lift = 2.5 if day >= start else 0.0
            kpis.append(f"{label},{metric},{trend + noise:.2f},")
            kpis.append(f"{label},{metric},{trend + lift + noise:.2f},{cohort}")
            kpis.append(f"{label},{metric},{trend - noise:.2f},{control}")
    return kpis


def page_text(n: int) -> str:
    """One plain page (Markdown after front-matter); the Hugo comparison gets the same."""
    return (
        f"---\ntitle: Page {n}\n---\n## Section {n}\n\n"
        f"Plain page number {n} with *some* emphasis, a [link](https://example.org/{n}) and\n"
        "a list:\n\n- one\n- two\n- three\n\n"
        + "A paragraph of ordinary words to give the page a body. " * 8
        + "\n"
    )


def write_pages(root: Path, n_pages: int = 1000) -> Path:
    """A site of ``n_pages`` plain Markdown pages and nothing else."""
    pages = root / "content" / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    (root / "goalpath.toml").write_text('[site]\ntitle = "Pages only"\n', encoding="utf-8")
    for n in range(n_pages):
        (pages / f"page-{n:04d}.md").write_text(page_text(n), encoding="utf-8")
    return root


def write_site(root: Path, n_goals: int = 1000, seed: int = 7, kpi_rows: int = 0) -> Path:
    """Write the site into ``root`` (created; must be empty or missing).

    ``kpi_rows`` > 0 asks for about that many daily KPI rows instead of monthly ones."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "content" / "goals").mkdir(parents=True, exist_ok=True)
    (root / "content" / "paths").mkdir(parents=True, exist_ok=True)
    (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "goalpath.toml").write_text(
        '[site]\ntitle = "Big benchmark site"\n\n[analysis]\nas_of = 2026-12-31\n',
        encoding="utf-8",
    )
    (root / "content" / "pages" / "about.md").write_text(
        "---\ntitle: About\norder: 1\n---\nA generated site.\n", encoding="utf-8"
    )
    n_paths = (n_goals + 9) // 10
    if kpi_rows:
        _, baseline_day, start_day = daily_window(n_goals, kpi_rows)
        baseline, start = baseline_day.isoformat(), start_day.isoformat()
    else:
        baseline, start = "2025-06-30", "2025-10-01"
    for i in range(n_goals):
        (root / "content" / "goals" / f"goal-{i:04d}.md").write_text(
            goal_file(i, n_goals, rng, baseline), encoding="utf-8"
        )
    for p in range(n_paths):
        (root / "content" / "paths" / f"path-{p:03d}.md").write_text(
            path_file(p, n_goals, start), encoding="utf-8"
        )
    kpis = _daily_kpis(n_goals, kpi_rows, rng) if kpi_rows else _monthly_kpis(n_goals, rng)
    (root / "data" / "kpis.csv").write_text("\n".join(kpis) + "\n", encoding="utf-8")
    learning = ["date,learner,activity,verb,path,cohort,score,duration_min"]
    for p in range(n_paths):
        for n in range(6):
            who = f"L{p:03d}{n}"
            learning.append(f"2025-10-01,{who},intro,enrolled,path-{p:03d},cohort-{p:03d},,")
            learning.append(f"2025-10-02,{who},intro,completed,path-{p:03d},cohort-{p:03d},,45")
            verb = "passed" if n < 5 else "failed"
            score = 70 + n * 4
            learning.append(f"2025-10-25,{who},check,{verb},path-{p:03d},cohort-{p:03d},{score},30")
    (root / "data" / "learning.csv").write_text("\n".join(learning) + "\n", encoding="utf-8")
    skills = ["person,skill,level,team,date"]
    for t in range(50):
        for k in range(6):
            skills.append(f"P{t:02d}{k},skill-{(t + k) % 30},{(t + k) % 5},team-{t},2026-06-30")
    (root / "data" / "skills.csv").write_text("\n".join(skills) + "\n", encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--goals", type=int, default=1000)
    parser.add_argument("--kpi-rows", type=int, default=0, help="about this many daily rows")
    parser.add_argument("--pages", type=int, default=0, help="a plain-pages site instead")
    args = parser.parse_args()
    if args.pages:
        write_pages(args.dir, args.pages)
        print(f"wrote a {args.pages}-page site into {args.dir}")
        return
    write_site(args.dir, args.goals, kpi_rows=args.kpi_rows)
    print(f"wrote a {args.goals}-goal site into {args.dir}")


if __name__ == "__main__":
    main()
