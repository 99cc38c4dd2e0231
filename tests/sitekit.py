"""Sites for tests: a small valid site on disk (``MINIMAL_SITE``, dates fixed, so results
are stable) and in-memory sites built from front-matter dicts (``doc``, ``site_from``)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from generator.errors import Problems
from generator.load.config import SiteConfig
from generator.load.content import SourceDoc
from generator.model.site import Site
from generator.model.validate import validate_site


def doc(kind: str, ident: str, meta: dict[str, Any]) -> SourceDoc:
    """A content file as read: ``content/<kind>/<ident>.md`` with this front matter."""
    return SourceDoc(
        kind=kind, rel=f"content/{kind}/{ident}.md", stem=ident, meta=meta, body="", body_line=1
    )


def site_from(
    goals: dict[str, dict[str, Any]],
    paths: dict[str, dict[str, Any]] | None = None,
    *,
    warnings_ok: bool = False,
    **config: Any,
) -> Site:
    """A validated in-memory site from front-matter dicts (goal id → meta, path id → meta);
    fails the test on any problem (on errors only with ``warnings_ok``)."""
    problems = Problems()
    docs = {
        "goals": [doc("goals", g, m) for g, m in goals.items()],
        "paths": [doc("paths", p, m) for p, m in (paths or {}).items()],
    }
    site = validate_site(docs, SiteConfig(**config), problems)
    found = problems.errors if warnings_ok else problems.items
    assert [p.format() for p in found] == []
    return site


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (site-relative path → text, dedented, or bytes) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


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
