"""A small valid site used by many tests (dates fixed, so results are stable)."""

from __future__ import annotations


def _kpi_rows() -> str:
    lines = ["date,metric,value,group"]
    for i in range(18):  # Jan 2025 .. Jun 2026
        y, m = 2025 + i // 12, i % 12 + 1
        date = f"{y}-{m:02d}-15"
        trained = (y, m) >= (2025, 10)
        a = 10.0 + 0.05 * i + (2.0 if trained else 0.0) + (0.1 if i % 2 else -0.1)
        b = 9.0 + 0.05 * i + (-0.1 if i % 2 else 0.1)
        lines.append(f"{date},sales_per_rep,{a:.2f},north")
        lines.append(f"{date},sales_per_rep,{b:.2f},south")
        lines.append(f"{date},sales_per_rep,{(a + b) / 2:.2f},")
    return "\n".join(lines) + "\n"


def _learning_rows() -> str:
    lines = ["date,learner,activity,verb,path,cohort,score,duration_min"]
    for n in range(8):
        who = f"L{n:03d}"
        lines.append(f"2025-09-01,{who},intro,enrolled,selling,north,,")
        lines.append(f"2025-09-01,{who},intro,started,selling,north,,")
        lines.append(f"2025-09-02,{who},intro,completed,selling,north,,40")
        lines.append(
            f"2025-09-20,{who},exam,{'passed' if n < 6 else 'failed'},selling,north,{70 + n * 3},30"
        )
    return "\n".join(lines) + "\n"


MINIMAL_SITE: dict[str, str | bytes] = {
    "goalpath.toml": """
        [site]
        title = "Test Org"
        [analysis]
        as_of = 2026-06-30
    """,
    "content/goals/grow-sales.md": """
        ---
        title: Grow sales in the north by 10%
        owner: Head of Sales
        department: Sales
        target_groups: [reps]
        kpi:
          metric: sales_per_rep
          unit: k EUR
          direction: increase
          baseline: {value: 10, date: 2025-06-30}
          target: {value: 12, date: 2026-12-31}
        learning_paths: [selling]
        monitoring: {control_group: south}
        actions: [Train reps in value selling]
        ---
        ## Why

        Reps discount too early. **Value selling** should fix it.
    """,
    "content/goals/company.md": """
        ---
        title: Company growth
        owner: CEO
        kpi:
          metric: revenue
          direction: increase
          target: {value: 100, date: 2027-12-31}
          data_from: 2027-01-01  # not collected yet: no warning until then
        ---
        The company goal.
    """,
    "content/paths/selling.md": """
        ---
        title: Value selling
        goals: [grow-sales]
        cohorts:
          - {id: north, name: North team, start: 2025-09-01, size: 8}
          - {id: south, name: South team, start: 2026-09-01, size: 8}
        activities:
          - {id: intro, title: Intro course, kind: course, week: 1, hours: 2}
          - {id: exam, title: Exam, kind: assessment, week: 3, pass_score: 75}
        ---
        A short path.
    """,
    "content/pages/about.md": """
        ---
        title: About
        order: 1
        ---
        About this site.
    """,
    "data/kpis.csv": _kpi_rows(),
    "data/learning.csv": _learning_rows(),
    "data/skills.csv": "person,skill,level,team,date\n",
}
