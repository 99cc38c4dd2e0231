"""Site-wide views every page may show (navigation sections, sparklines) and the data
files written beside the pages (API JSON/CSV, the client-side search index)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..charts.sparkline import Sparkline, sparkline
from ..model.site import Site
from ..routes import LATEST_REVIEW, goal_dir, path_dir
from ..text import fmt_date
from .api import csv_header, csv_row, goals_file_text, goals_json, record_text
from .reviews import ReviewViews

if TYPE_CHECKING:
    from ..analysis.site import SiteAnalysis
    from .context import RenderState

SECTIONS = [
    {"id": "goals", "title": "Goals", "href": "goals/"},
    {"id": "paths", "title": "Paths", "href": "paths/"},
    {"id": "timeline", "title": "Timeline", "href": "timeline/"},
    {"id": "alignment", "title": "Alignment", "href": "alignment/"},
    {"id": "skills", "title": "Skills", "href": "skills/"},
    {"id": "reviews", "title": "Reviews", "href": LATEST_REVIEW},
]
SECTION_IDS = ["goals", "paths", "timeline", "alignment", "skills", "reviews"]


@dataclass(frozen=True)
class SiteViews:
    """What pages show besides a goal's analysis and charts, computed once per build
    (``build/builder.py``) and read by pages and templates as ``views``."""

    sections: tuple[Mapping[str, str], ...] = ()
    """The navigation's site sections (``SECTIONS``)."""
    sparklines: Mapping[str, Sparkline] = field(default_factory=dict)
    """Goal id → its KPI's sparkline (the dashboard's cards)."""
    reviews: ReviewViews = field(default_factory=ReviewViews)
    """Every period review's page and each goal's review links."""
    history: Mapping[str, Any] = field(default_factory=dict)
    """Goal id → its plan's changes from Git; empty outside a Git checkout."""
    search: bool = True

    def of_goal(self, goal_id: str) -> tuple[Any, ...]:
        """What a goal's own page reads of these. ``build/memo.py`` keys them (``views:<id>``)
        by what makes them: the goal's analysis, the reviews' keys, its history."""
        return (
            self.sparklines.get(goal_id),
            self.reviews.links.get(goal_id),
            self.history.get(goal_id),
        )

    def shared(self) -> tuple[Any, ...]:
        """What every page reads of these (part of the key every page shares)."""
        return (self.sections, self.search)


def goal_sparklines(site: Site, analysis: SiteAnalysis) -> dict[str, Sparkline]:
    """Each goal's last 12 periods as a sparkline, where it has two or more."""
    sparks = {}
    for gid, goal in site.goals.items():
        series = analysis.goals[gid].progress.series
        values = [float(v) for v in series.tail(12).to_list()] if series is not None else []
        s = sparkline(values, goal.meta.kpi.target.value, goal.meta.title)
        if s is not None:
            sparks[gid] = s
    return sparks


def site_sections(ids: list[str]) -> tuple[Mapping[str, str], ...]:
    return tuple(s for s in SECTIONS if s["id"] in ids)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[#*_`>|\[\]()]", " ", text)).strip()


def search_records(
    site: Site, linker: Callable[[str], str], analysis: SiteAnalysis
) -> list[dict[str, str]]:
    """One record per goal, path and page: what the search box matches against."""
    out = []
    for gid, g in site.goals.items():
        out.append(
            {
                "kind": "Goal",
                "title": g.meta.title,
                "href": linker(goal_dir(gid)),
                "meta": " · ".join(
                    x
                    for x in (
                        g.meta.department,
                        g.meta.owner,
                        analysis.goals[gid].progress.status_label,
                    )
                    if x
                ),
                "text": _plain(
                    " ".join(
                        [
                            g.meta.kpi.label,
                            g.meta.kpi.metric.replace("_", " "),
                            *g.meta.tags,
                            *g.meta.target_groups,
                            *(a.title for a in g.meta.actions),
                            g.source.body,
                        ]
                    )
                ),
            }
        )
    for pid, p in site.paths.items():
        out.append(
            {
                "kind": "Learning path",
                "title": p.meta.title,
                "href": linker(path_dir(pid)),
                "meta": f"{p.meta.format.capitalize()} · {p.weeks} weeks",
                "text": _plain(
                    " ".join(
                        [
                            p.meta.summary,
                            *(a.title for a in p.meta.activities),
                            *p.skills,
                            p.source.body,
                        ]
                    )
                ),
            }
        )
    for pgid, pg in site.pages.items():
        out.append(
            {
                "kind": "Page",
                "title": pg.meta.title,
                "href": linker(f"{pgid}/"),
                "meta": " · ".join(
                    x
                    for x in (fmt_date(pg.meta.date) if pg.meta.date else "", pg.meta.summary)
                    if x
                ),
                "text": _plain(" ".join(x for x in (*pg.meta.tags, pg.source.body) if x)),
            }
        )
    return out


def search_index_js(records: list[dict[str, str]]) -> str:
    """A script, not JSON: ``<script src>`` also loads from file:// where fetch() cannot."""
    payload = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    payload = (
        payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return f"window.GOALPATH_SEARCH = {payload};\n"


def api_files(site: Site, analysis: SiteAnalysis) -> dict[str, str]:
    """``api/goals.json`` and ``api/goals.csv``: what they read is each goal's front
    matter, paths and analysis, and the report date (``build/memo.py`` keys them so)."""
    goals = goals_json(site, analysis)
    return api_texts(
        [(record_text(g), csv_row(g)) for g in goals], goals[0]["as_of"] if goals else None
    )


def api_texts(records: list[tuple[str, str]], as_of: str | None) -> dict[str, str]:
    """The two API files from each goal's (JSON record text, CSV line)."""
    return {
        "api/goals.json": goals_file_text(as_of, [r for r, _ in records]),
        "api/goals.csv": csv_header() + "".join(line for _, line in records),
    }


def search_file(site: Site, analysis: SiteAnalysis, state: RenderState) -> str:
    """``search/index.js``: every page's title and text (so a prose edit changes it)."""
    # hrefs relative to the site root; the search script prefixes the page's own root.
    root_linker = state.urls.linker("index.html")
    return search_index_js(search_records(site, root_linker, analysis))
