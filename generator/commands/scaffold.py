"""``goalpath new`` and ``goalpath init``: write well-commented starting files.

Never overwrites: an existing file is an error naming it. Imports nothing heavy.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from ..errors import GoalpathError, Problem
from ..text import slugify

GOAL_TEMPLATE = """\
---
# A goal plan: one business number that should move, and the learning meant to move it.
# Every field is documented in docs/content.md. Dates are YYYY-MM-DD.
title: {title}
owner: Who is accountable            # a role or a name
department: Operations               # the dashboard groups and filters by department
# parent: company-goal-id            # the higher goal this one serves (alignment tree)
target_groups: [team-name]           # whose work should change
kpi:                                 # or kpis: several key results with weights
  metric: {metric}{metric_pad}# the `metric` name in data/kpis.csv
  unit: days                         # shown beside every value
  direction: decrease                # increase | decrease
  baseline: {{value: 30, date: {baseline}}}   # or {{window: [start, end]}}: mean of the data
  target:   {{value: 24, date: {deadline}}}   # the deadline
  # milestones: [{{date: {milestone}, value: 27}}]
  # agg: sum                         # for counts; default mean
learning_paths: []                   # ids of files in content/paths/
skills: {{}}                           # skill: required level 0-5, e.g. {{customer-empathy: 3}}
leading_indicators: [course_completion, assessment_score]
monitoring:
  cadence: monthly                   # weekly | monthly | quarterly
  # control_group: team-b            # a KPI group or cohort that does not train (for impact)
actions:
  - Describe one action that will move the number
# costs: {{training: 10000, currency: EUR}}   # for ROI
# benefit_per_unit: 500                     # money value of one KPI unit, per period
tags: []
---
## Why this goal

What changes in people's work, for whom, and how we will know.
"""

PATH_TEMPLATE = """\
---
# A learning path: activities spread over weeks, taken by cohorts.
# Every field is documented in docs/content.md.
title: {title}
goals: []                            # ids of the goals this path serves
format: blended                      # online | classroom | blended
summary: One sentence for lists.
cohorts:                             # a second cohort that starts later is a natural comparison
  - {{id: {slug}-cohort-1, name: First cohort, start: {start1}, size: 12}}
  - {{id: {slug}-cohort-2, name: Second cohort, start: {start2}, size: 12}}
activities:                          # week 1 = the cohort's first week
  - {{id: intro, title: Introduction course, kind: course, week: 1, hours: 1.5}}
  - {{id: practice, title: Practise on real cases, kind: practice, week: 2, hours: 2}}
  - {{id: reflect, title: "How will this change your work next week?", kind: reflection, week: 3}}
  - {{id: check, title: Final assessment, kind: assessment, week: 4, pass_score: 80}}
---
What learners do and why it should change the number.
"""

PAGE_TEMPLATE = """\
---
title: {title}
weight: 50       # in the navigation, lower first (leave out: not in the navigation)
summary: One sentence for search results and the page's description.
---
Write the page in Markdown.
"""


def _refuse_existing(path: Path, rel: str) -> None:
    if path.exists():
        raise GoalpathError(
            [
                Problem(
                    rel,
                    None,
                    None,
                    None,
                    "already exists; not overwritten",
                    "choose another title or pass --id",
                )
            ]
        )


def new_content(site: Path, kind: str, title: str, *, ident: str | None = None) -> Path:
    """Write ``content/<kind>s/<slug>.md`` from a commented template."""
    slug = ident or slugify(title)
    if not slug or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise GoalpathError(
            [
                Problem(
                    "(command line)",
                    None,
                    None,
                    "id",
                    f"cannot make an id from {ident or title!r}",
                    "pass --id with lowercase letters, digits and hyphens",
                )
            ]
        )
    if not (site / "goalpath.toml").is_file() and not (site / "content").is_dir():
        raise GoalpathError(
            [
                Problem(
                    str(site),
                    None,
                    None,
                    None,
                    "not a goalpath site (no goalpath.toml or content/ folder here)",
                    "run the command in your site folder, pass --site DIR, "
                    "or create a site with: goalpath init DIR",
                )
            ]
        )
    folder = {"goal": "goals", "path": "paths", "page": "pages"}[kind]
    rel = f"content/{folder}/{slug}.md"
    target = site / rel
    _refuse_existing(target, rel)
    today = dt.date.today()
    title_yaml = _yaml_text(title)
    if kind == "goal":
        metric = slug.replace("-", "_")
        text = GOAL_TEMPLATE.format(
            title=title_yaml,
            metric=metric,
            metric_pad=" " * max(1, 27 - len(metric)),
            baseline=dt.date(today.year - 1, 12, 31).isoformat(),
            deadline=dt.date(today.year + 1, 12, 31).isoformat(),
            milestone=dt.date(today.year + 1, 6, 30).isoformat(),
        )
    elif kind == "path":
        start1 = _next_monday(today + dt.timedelta(days=14))
        text = PATH_TEMPLATE.format(
            title=title_yaml,
            slug=slug,
            start1=start1.isoformat(),
            start2=(start1 + dt.timedelta(weeks=12)).isoformat(),
        )
    else:
        text = PAGE_TEMPLATE.format(title=title_yaml)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
        fh.write(text)
    return target


def _yaml_text(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _next_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


# ---------------------------------------------------------------- init

CONFIG_TEMPLATE = """\
# goalpath site settings; every key is optional (docs/configuration.md).
[site]
title = {title}
base_url = ""            # "" = relative links (works from file://); or "/intranet/goals/"
theme = "site"           # themes/site/ extends the built-in default theme
allow_html = false       # raw HTML in Markdown is shown as text unless true

[analysis]
period = "month"         # week | month | quarter
stale_after = 3          # periods without data before a KPI counts as stale
on_track = 16            # points behind plan still "on track"
at_risk = 33             # points behind plan still "at risk"; more is "off track"

[privacy]
min_group_size = 5       # hide learning and skills figures for smaller groups
"""

THEME_TOML = 'extends = "default"\n'
THEME_BASE = """\
{% extends "!default/base.html" %}
{% block head %}<link rel="stylesheet" href="{{ asset('custom.css') }}">{% endblock %}
"""
THEME_CSS = """\
/* Your overrides of the default theme; this file is linked by themes/site/templates/base.html. */
:root { --accent: #2356a8; }
"""
GITIGNORE = "/build/\n/.goalpath-cache/\n"


def init_site(target: Path, *, title: str = "Goals and learning") -> list[Path]:
    """Create a new site folder with one goal, one path, sample data and a child theme."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise GoalpathError(
            [
                Problem(
                    str(target),
                    None,
                    None,
                    None,
                    "exists and is not an empty folder",
                    "choose a new folder name",
                )
            ]
        )
    today = dt.date.today()
    start = _next_monday(dt.date(today.year, 1, 1) + dt.timedelta(days=60))
    files: dict[str, str] = {
        "goalpath.toml": CONFIG_TEMPLATE.format(title=json.dumps(title, ensure_ascii=False)),
        ".gitignore": GITIGNORE,
        "themes/site/theme.toml": THEME_TOML,
        "themes/site/templates/base.html": THEME_BASE,
        "themes/site/static/custom.css": THEME_CSS,
        "content/pages/about.md": (
            "---\ntitle: About\norder: 10\n---\nThis site shows whether our training "
            "moves our business goals. Edit `content/` and run `goalpath serve`.\n"
        ),
    }
    created: list[Path] = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        created.append(path)
    goal = new_content(target, "goal", "Reduce onboarding time", ident="reduce-onboarding-time")
    path_file = new_content(target, "path", "Onboarding buddies", ident="onboarding-buddies")
    _link_example(goal, path_file, start)
    created += [goal, path_file]
    created += _write_sample_data(target, start)
    return created


def _link_example(goal: Path, path: Path, start: dt.date) -> None:
    """Point the example goal and path at each other and at the sample data."""
    g = goal.read_text(encoding="utf-8")
    g = g.replace("learning_paths: []", "learning_paths: [onboarding-buddies]")
    g = g.replace("target_groups: [team-name]", "target_groups: [new-hires]")
    g = g.replace("metric: reduce_onboarding_time", "metric: days_to_productivity")
    g = g.replace("skills: {}", "skills: {product-knowledge: 3}")
    g = g.replace("  # control_group: team-b", "  control_group: onboarding-buddies-cohort-2")
    goal.write_text(g, encoding="utf-8")
    p = path.read_text(encoding="utf-8")
    p = p.replace("goals: []", "goals: [reduce-onboarding-time]")
    p = re.sub(r"(cohort-1, name: First cohort, start: )[0-9-]+", rf"\g<1>{start}", p)
    later = start + dt.timedelta(weeks=40)
    p = re.sub(r"(cohort-2, name: Second cohort, start: )[0-9-]+", rf"\g<1>{later}", p)
    p = p.replace(
        "kind: course, week: 1, hours: 1.5}",
        "kind: course, week: 1, hours: 1.5, skills: [product-knowledge]}",
    )
    path.write_text(p, encoding="utf-8")


def _write_sample_data(target: Path, start: dt.date) -> list[Path]:
    """Monthly KPI rows for the organisation and both cohorts, a few learning records."""
    year = start.year - 1
    kpi = ["date,metric,value,group"]
    for i in range(20):
        month = dt.date(year + (i // 12), i % 12 + 1, 28)
        if month > dt.date.today():
            break
        trained = month > start + dt.timedelta(weeks=4)
        wiggle = (i * 7 % 5 - 2) * 0.3
        a = 30 - 0.1 * i + wiggle - (4.0 if trained else 0.0)
        b = 31 - 0.1 * i - wiggle
        kpi.append(f"{month},days_to_productivity,{a:.2f},onboarding-buddies-cohort-1")
        kpi.append(f"{month},days_to_productivity,{b:.2f},onboarding-buddies-cohort-2")
        kpi.append(f"{month},days_to_productivity,{(a + b) / 2:.2f},")
    learning = ["date,learner,activity,verb,path,cohort,score,duration_min"]
    acts = ["intro", "practice", "reflect", "check"]
    for n in range(12):
        learner = f"P{n + 1:03d}"
        c = "onboarding-buddies-cohort-1"
        learning.append(f"{start},{learner},intro,enrolled,onboarding-buddies,{c},,")
        for w, act in enumerate(acts):
            if n >= 10 and w >= 2:
                break
            day = start + dt.timedelta(weeks=w)
            if act == "reflect":
                learning.append(f"{day},{learner},{act},reflected,onboarding-buddies,{c},,10")
            elif act == "check":
                score = 70 + (n * 13) % 30
                verb = "passed" if score >= 80 else "failed"
                learning.append(f"{day},{learner},{act},{verb},onboarding-buddies,{c},{score},30")
            else:
                learning.append(f"{day},{learner},{act},started,onboarding-buddies,{c},,")
                learning.append(f"{day},{learner},{act},completed,onboarding-buddies,{c},,45")
    skills = ["person,skill,level,team,date"]
    for n in range(8):
        skills.append(f"P{n + 1:03d},product-knowledge,{1 + n % 3},new-hires,{start}")
    out = []
    for name, lines in (("kpis", kpi), ("learning", learning), ("skills", skills)):
        path = target / "data" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append(path)
    return out
