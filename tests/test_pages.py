"""The page stage on one analysed site, in process (no files written): which pages
exist, what each depends on, and a page rendered with the default theme."""

from __future__ import annotations

import re
from typing import Any

import pytest

from generator.build.inputs import Inputs, load_inputs
from generator.build.memo import BuildMemo
from generator.charts.catalogue import build_charts
from generator.errors import Problems
from generator.pages.context import Deps, RenderState
from generator.pages.jobs import build_jobs, job_key
from generator.pages.views import SiteViews, goal_sparklines
from generator.render.jinja import make_env, render_page
from generator.render.markdown import make_parser, render_markdown
from generator.render.theme import resolve_theme
from tests.sitekit import MINIMAL_SITE, write_site


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> RenderState:
    root = write_site(tmp_path_factory.mktemp("site"), dict(MINIMAL_SITE))
    problems = Problems()
    inputs: Inputs | None = load_inputs(root, problems)
    assert inputs is not None, [p.format() for p in problems.items]
    memo = BuildMemo()
    analysis = memo.analyse(inputs.site, inputs.dataset, None)
    charts = memo.charts(inputs.site, analysis)
    views = SiteViews(sparklines=goal_sparklines(inputs.site, analysis))
    theme = resolve_theme(root, "default")
    s = RenderState(inputs.site, theme, analysis, charts, views, memo.keys)
    memo.page_keys(s, "theme", inputs.dataset, None)
    return s


def test_the_pages_that_exist(state: RenderState) -> None:
    outs = [job.out for job in build_jobs(state)]
    assert outs[0] == "index.html" and outs[-1] == "404.html"
    for page in (
        "goals/grow-sales/index.html",
        "goals/company/index.html",
        "paths/selling/index.html",
        "about/index.html",
        "timeline/index.html",
        "alignment/index.html",
        "skills/index.html",
        "reviews/index.html",
        "reviews/latest/index.html",
    ):
        assert page in outs
    assert len(outs) == len(set(outs))


def test_a_goal_page_depends_on_what_it_shows(state: RenderState) -> None:
    jobs = {job.out: job for job in build_jobs(state)}
    deps = jobs["goals/grow-sales/index.html"].deps
    assert any(d.startswith("content/goals/grow-sales.md:") for d in deps)  # its whole file
    names = {d.partition("=")[0] for d in deps if "=" in d}
    assert {"goal:grow-sales", "paths", "skills:grow-sales", "links", "views:grow-sales"} <= names
    assert "goal:company" not in names  # another goal's analysis is not read
    keys = {job_key(j, "g") for j in jobs.values()}
    assert len(keys) == len(jobs)  # every page has its own key


def test_deps_refuse_an_input_the_memo_does_not_key(state: RenderState) -> None:
    with pytest.raises(ValueError, match="does not key: goals:grow-sales"):
        Deps(keys=("goals:grow-sales",))  # a misspelt kind
    with pytest.raises(KeyError, match="goal:nope"):
        Deps(keys=("goal:nope",)).resolve(state)  # the right kind, an id the memo lacks
    assert Deps(keys=("links",)).resolve(state)[0].startswith("links=")


def _render(state: RenderState, out: str) -> str:
    job = next(j for j in build_jobs(state) if j.out == out)
    return render_page(make_env(state.theme), job.template, job.context())


def test_a_goal_page_renders_with_relative_links(state: RenderState) -> None:
    html = _render(state, "goals/grow-sales/index.html")
    assert "<h1>Grow sales in the north by 10%</h1>" in html
    assert 'href="../../paths/selling/index.html"' in html  # path_link, relative for file://
    assert 'id="kpi-chart-spec"' in html and 'id="impact-chart-spec"' in html
    assert "<strong>Value selling</strong>" in html  # the Markdown body
    assert re.search(r'href="\.\./\.\./index\.html"', html)  # the breadcrumb home


def test_markdown_never_runs_author_script() -> None:
    md = make_parser(allow_html=False)
    out = render_markdown(md, "Hi <script>alert(1)</script> [x](javascript:alert(1))", None)
    html: Any = getattr(out, "html", out)
    assert "<script>" not in str(html) and 'href="javascript:' not in str(html)
    links = render_markdown(md, "[goal](../goals/a.md#why)", lambda href: "X" + href)
    assert 'href="X../goals/a.md#why"' in str(getattr(links, "html", links))


def test_build_charts_reuses_what_it_is_given(state: RenderState) -> None:
    assert state.analysis is not None
    fresh = build_charts(state.site, state.analysis)
    kept = {"grow-sales": {}}
    again = build_charts(state.site, state.analysis, reuse_goals=kept)
    assert again.goals["grow-sales"] is kept["grow-sales"]
    assert list(fresh.goals["grow-sales"]) == [
        "kpi",
        "impact",
        "gap",
        "funnel",
        "leading",
        "leading-2",
    ]
