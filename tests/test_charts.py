"""The chart stage on one analysed site, in process: each page's charts, their specs
and tables, the catalogue's rules, and the extending recipe (docs/extending.md) run as
written."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.analysis.learning import LEADING_COMPLETION, LEADING_SCORE
from generator.analysis.site import SiteAnalysis, analyse_site
from generator.build.builder import SiteBuilder
from generator.build.inputs import Inputs, load_inputs
from generator.charts import catalogue, kpi
from generator.charts.base import ChartSpec, reads
from generator.charts.catalogue import PageChart, goal_charts, path_charts
from generator.errors import Problems
from tests.sitekit import MINIMAL_SITE, write_site

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    root = write_site(tmp_path_factory.mktemp("site"), dict(MINIMAL_SITE))
    problems = Problems()
    found = load_inputs(root, problems)
    assert found is not None, [p.format() for p in problems.items]
    return found


@pytest.fixture(scope="module")
def analysis(inputs: Inputs) -> SiteAnalysis:
    return analyse_site(inputs.site, inputs.dataset)


def _json_safe(spec: dict[str, Any]) -> str:
    return json.dumps(spec, allow_nan=False)  # raises on NaN / inf


def test_a_goal_page_gets_its_charts_in_catalogue_order(inputs: Inputs, analysis: Any) -> None:
    charts = goal_charts(inputs.site, inputs.site.goals["grow-sales"], analysis)
    assert list(charts) == ["kpi", "impact", "gap", "funnel", "leading", "leading-2"]
    assert [charts[n].title for n in ("leading", "leading-2")] == [
        LEADING_COMPLETION,
        LEADING_SCORE,
    ]
    for name, c in charts.items():
        assert isinstance(c, ChartSpec)
        assert c.summary.endswith("."), name
        assert c.spec["config"]["font"].startswith("system-ui"), name
        assert c.spec["datasets"], name
        assert c.table is not None and c.table.rows, name
        assert all(len(row) == len(c.table.columns) for row in c.table.rows), name
        _json_safe(c.spec)
    # the KPI chart: a line per group, the table one row a point
    series = charts["kpi"].spec["datasets"]["series"]
    assert {r["series"] for r in series} == {"Organisation", "North team", "South team"}
    assert len(charts["kpi"].table.rows) == len(series)
    assert {r["kind"] for r in charts["kpi"].spec["datasets"]["refs"]} == {"Baseline", "Target"}
    # the goal without data draws nothing
    assert goal_charts(inputs.site, inputs.site.goals["company"], analysis) == {}


def test_a_path_page_gets_its_timeline_and_funnel(inputs: Inputs, analysis: Any) -> None:
    charts = path_charts(inputs.site, inputs.site.paths["selling"], analysis)
    assert list(charts) == ["timeline", "funnel"]
    activities = charts["timeline"].spec["datasets"]["activities"]
    assert {(a["row"], a["title"]) for a in activities} >= {("North team", "Exam")}
    markers = charts["timeline"].spec["datasets"]["markers"]
    assert "Deadline: Grow sales in the north by 10%" in {m["label"] for m in markers}
    stages = {(r["stage"], r["count"]) for r in charts["funnel"].spec["datasets"]["funnel"]}
    assert ("Enrolled", 8) in stages and ("Passed", 6) in stages


def test_templates_are_made_once_and_never_changed_by_a_page(inputs: Inputs, analysis: Any) -> None:
    template = kpi._template()
    before = json.dumps(template, sort_keys=True)
    goal_charts(inputs.site, inputs.site.goals["grow-sales"], analysis)
    assert kpi._template() is template
    assert "datasets" not in template
    assert json.dumps(template, sort_keys=True) == before


def test_chart_inputs_are_checked() -> None:
    assert reads("paths", "skills") == frozenset({"paths", "skills"})
    with pytest.raises(ValueError, match="unknown chart inputs"):
        reads("path")  # a misspelling: the memo could not key it


def test_a_chart_with_several_panels_gets_numbered_names(inputs: Inputs, analysis: Any) -> None:
    first, second = (kpi.for_goal(inputs.site, inputs.site.goals["grow-sales"], analysis),) * 2
    charts = catalogue._collect((PageChart("panel", lambda *a: [first, second]),), None)
    assert list(charts) == ["panel", "panel-2"]


def _blocks(doc: str, lang: str) -> list[str]:
    return re.findall(r"```" + lang + r"\n(.*?)\n```", doc, re.S)


def test_the_extending_recipe_adds_a_chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/extending.md's worked example: its module, its catalogue line and its
    template line, as written there, put a drawn-ready chart on the goal page."""
    recipe = (REPO / "docs" / "extending.md").read_text(encoding="utf-8")
    section = recipe[recipe.index("## A chart on the goal page") : recipe.index("## A page type")]
    module_src, catalogue_line = _blocks(section, "python")
    (template_line,) = _blocks(section, "jinja")
    (tmp_path / "cohort_sizes.py").write_text(module_src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("cohort_sizes", tmp_path / "cohort_sizes.py")
    assert spec is not None and spec.loader is not None
    cohort_sizes = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "cohort_sizes", cohort_sizes)
    spec.loader.exec_module(cohort_sizes)
    entry = eval(catalogue_line.rstrip(","), {"PageChart": PageChart, "cohort_sizes": cohort_sizes})
    monkeypatch.setattr(catalogue, "GOAL_CHARTS", (*catalogue.GOAL_CHARTS, entry))

    goal_html = (REPO / "themes/default/templates/goal.html").read_text(encoding="utf-8")
    anchor = "  {{ chart('kpi-chart', charts.get('kpi')) }}\n"
    assert anchor in goal_html
    site = write_site(
        tmp_path / "site",
        {
            **MINIMAL_SITE,
            "goalpath.toml": str(MINIMAL_SITE["goalpath.toml"]).replace(
                "[site]", '[site]\ntheme = "mine"'
            ),
            "themes/mine/templates/goal.html": goal_html.replace(
                anchor, anchor + "  " + template_line + "\n"
            ),
        },
    )
    result = SiteBuilder(site).build()
    assert result.ok, [p.format() for p in result.problems]
    page = (site / "build/goals/grow-sales/index.html").read_text(encoding="utf-8")
    m = re.search(
        r'<script type="application/json" id="cohort-sizes-chart-spec">(.*?)</script>', page
    )
    assert m is not None
    rows = json.loads(m.group(1))["datasets"]["sizes"]
    assert {"cohort": "North team", "what": "Planned", "people": 8} in rows
    assert {"cohort": "North team", "what": "Enrolled", "people": 8} in rows
    assert '<figcaption class="chart-title">Cohort sizes</figcaption>' in page


def test_chart_colours_have_one_home() -> None:
    """Every chart colour is written in charts/palette.py, and the ones the theme names
    too (``--ink``, ``--on-track``…) are the same there and in style.css."""
    from generator.charts import palette

    charts = REPO / "generator" / "charts"
    for module in sorted(charts.glob("*.py")):
        if module.name != "palette.py":
            found = re.findall(r"#[0-9a-fA-F]{6}\b", module.read_text(encoding="utf-8"))
            assert found == [], f"{module.name}: colours {found}; name them in palette.py"
    css = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    declared = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", root))
    for name, colour in palette.CSS_NAMES.items():
        assert declared.get(name) == colour, (
            f"--{name} is {declared.get(name)}, charts use {colour}"
        )


def _compile_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "compile_chart_templates",
        Path(__file__).resolve().parent.parent / "scripts" / "compile_chart_templates.py",
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_packaged_templates_are_those_the_chart_modules_make() -> None:
    """generator/charts/templates.json is what a first build uses instead of Altair: it
    must come from the chart modules as they are (run scripts/compile_chart_templates.py
    after changing one), and, made by this Altair, be exactly what Altair makes now."""
    from generator.build import disk_cache
    from generator.charts import base

    path = Path(base.__file__).parent / disk_cache.PACKAGED_TEMPLATES
    packaged = json.loads(path.read_text(encoding="utf-8"))
    assert packaged["modules"] == disk_cache.chart_modules_digest(), (
        "a chart module changed: run python scripts/compile_chart_templates.py"
    )
    assert sorted(packaged["values"]) == sorted(base.MAKERS)
    if packaged["altair"] == disk_cache.altair_version():
        assert disk_cache.packaged_templates() == packaged["values"]
        fresh = json.loads(json.dumps(_compile_script().compiled()["values"]))
        assert packaged["values"] == fresh
    else:  # another Altair: the file is not used, each template is compiled as before
        assert disk_cache.packaged_templates() == {}


def test_packaged_templates_from_other_code_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.build import disk_cache

    assert disk_cache.packaged_templates()  # this checkout's file is current (test above)
    monkeypatch.setattr(disk_cache, "altair_version", lambda: "0.0.1")
    assert disk_cache.packaged_templates() == {}
    monkeypatch.undo()
    monkeypatch.setattr(disk_cache, "chart_modules_digest", lambda: "other modules")
    assert disk_cache.packaged_templates() == {}


def test_a_first_build_takes_the_packaged_templates_without_altair(tmp_path: Path) -> None:
    """A new checkout (no .goalpath-cache): the site is built without importing Altair,
    and is the same as one whose templates Altair compiled in the build."""
    import shutil
    import subprocess

    root = write_site(tmp_path / "site", MINIMAL_SITE)

    def first_build(out: str, packaged: bool) -> list[str]:
        shutil.rmtree(root / ".goalpath-cache", ignore_errors=True)
        code = (
            "import sys; from pathlib import Path; from generator.build import disk_cache;"
            + ("" if packaged else "disk_cache.packaged_templates = lambda: {};")
            + "from generator.build.builder import SiteBuilder;"
            f"r = SiteBuilder(Path({str(root)!r}), Path({str(tmp_path / out)!r})).build();"
            "print(r.ok, 'altair' in sys.modules)"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.split()

    assert first_build("first", packaged=True) == ["True", "False"]
    assert first_build("altair", packaged=False) == ["True", "True"]

    from tests.test_incremental import tree

    assert tree(tmp_path / "first") == tree(tmp_path / "altair")
