"""Frozen reviews (issue 13): ``goalpath review freeze`` keeps a period's review as it
was told; a build shows it from the file, never recomputed, and lists what today's data
and plan say otherwise. Then the file as bad input, and in real Chromium: a frozen
review surviving a data correction."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.analysis.frozen import FrozenReview, changes_since, from_json, to_json
from generator.build.builder import SiteBuilder
from generator.cli import main

from .sitekit import MINIMAL_SITE, write_site


def _site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", MINIMAL_SITE)


def _freeze(root: Path, *args: str) -> int:
    return main(["review", "freeze", "--site", str(root), "--today", "2026-07-02", *args])


def _build(root: Path) -> Path:
    result = SiteBuilder(root).build()
    assert result.ok, [p.format() for p in result.problems]
    return root / "build"


def _correct_june(root: Path, new_value: str = "19.50") -> None:
    """A data correction: June's figure for the north group (the goal's own series is
    the rows without a group: the mean of north and south)."""
    kpis = root / "data/kpis.csv"
    lines = kpis.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("2026-06-15,sales_per_rep,") and line.endswith(","):
            lines[i] = f"2026-06-15,sales_per_rep,{new_value},"
    kpis.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _kpi_cells(html: str) -> list[str]:
    table = html.split('class="data kpi-moves"')[1].split("</table>")[0]
    return re.findall(r'<td class="num">([^<]*)', table)


def test_freeze_writes_the_latest_finished_period_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    assert _freeze(root) == 0
    assert "froze the review of June 2026" in capsys.readouterr().err
    saved = json.loads((root / "reviews/2026-06.json").read_text(encoding="utf-8"))
    assert saved["goalpath_review"] == 1 and saved["period"] == "2026-06"
    assert saved["frozen_on"] == "2026-07-02"
    assert saved["review"]["summary"], "the sentences are kept, not only the figures"
    before = (root / "reviews/2026-06.json").read_bytes()
    assert _freeze(root) == 1
    err = capsys.readouterr().err
    assert "already frozen" in err and "--force" in err
    assert (root / "reviews/2026-06.json").read_bytes() == before
    assert _freeze(root, "--force") == 0
    assert _freeze(root, "--period", "2026-04") == 0
    assert sorted(p.name for p in (root / "reviews").iterdir()) == ["2026-04.json", "2026-06.json"]


@pytest.mark.parametrize(
    ("period", "says"),
    [
        ("2026-13", "not a review period"),
        ("2026-Q2", "is a quarter, but the site reviews by month"),
        ("2019-01", "no review for 2019-01"),
    ],
)
def test_freeze_refuses_periods_it_cannot_freeze(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], period: str, says: str
) -> None:
    root = _site(tmp_path)
    assert _freeze(root, "--period", period) == 1
    assert says in capsys.readouterr().err
    assert not (root / "reviews").exists()


def test_a_period_still_running_is_not_frozen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(MINIMAL_SITE)
    files["goalpath.toml"] = str(files["goalpath.toml"]).replace("2026-06-30", "2026-06-20")
    root = write_site(tmp_path / "site", files)
    assert _freeze(root, "--period", "2026-06") == 1
    assert "June 2026 is not over" in capsys.readouterr().err
    assert _freeze(root) == 0  # the latest period that is over: May
    assert (root / "reviews/2026-05.json").is_file()


def test_a_frozen_review_survives_a_data_correction_and_says_what_changed(
    tmp_path: Path,
) -> None:
    root = _site(tmp_path)
    live_before = (_build(root) / "reviews/2026-06/index.html").read_text(encoding="utf-8")
    assert _freeze(root) == 0
    frozen_page = (_build(root) / "reviews/2026-06/index.html").read_text(encoding="utf-8")
    assert _kpi_cells(frozen_page) == _kpi_cells(live_before)
    assert "Frozen on 2 Jul 2026" in frozen_page
    assert "give the same figures" in frozen_page

    _correct_june(root)
    out = _build(root)
    page = (out / "reviews/2026-06/index.html").read_text(encoding="utf-8")
    assert _kpi_cells(page) == _kpi_cells(live_before), "the frozen figures stay"
    assert "would tell this month differently" in page
    note = page.split('class="notice frozen')[1].split("</section>")[0]
    assert "June 2026 figure is" in note and "the review showed" in note
    # an unfrozen period is computed from today's data as before
    index = (out / "reviews/index.html").read_text(encoding="utf-8")
    assert "frozen 2 Jul 2026, since changed" in index


def test_a_moved_target_and_a_removed_goal_are_listed_not_applied(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert _freeze(root) == 0
    goal = root / "content/goals/grow-sales.md"
    goal.write_text(
        goal.read_text(encoding="utf-8").replace("value: 12, date", "value: 14, date"),
        encoding="utf-8",
    )
    (root / "content/goals/company.md").unlink()
    page = (_build(root) / "reviews/2026-06/index.html").read_text(encoding="utf-8")
    note = page.split('class="notice frozen')[1].split("</section>")[0]
    assert "its baseline or target has changed" in note
    assert "“Company growth” is no longer in the plan" in note
    # the removed goal is still in the review, as it was, but not as a broken link
    assert "Company growth" in page.split('class="data kpi-moves"')[1]
    assert 'href="../../goals/company/' not in page


def test_a_frozen_period_older_than_the_review_limit_is_kept(tmp_path: Path) -> None:
    files = dict(MINIMAL_SITE)
    root = write_site(tmp_path / "site", files)
    assert _freeze(root, "--period", "2025-03") == 0
    cfg = root / "goalpath.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "[reviews]\nlimit = 2\n", encoding="utf-8")
    out = _build(root)
    assert (out / "reviews/2025-03/index.html").is_file()
    assert (out / "reviews/2026-06/index.html").is_file()
    assert not (out / "reviews/2025-04/index.html").exists()


def test_incremental_builds_follow_frozen_files_and_equal_clean_builds(tmp_path: Path) -> None:
    root = _site(tmp_path)
    builder = SiteBuilder(root, tmp_path / "inc")
    assert builder.build().ok
    assert _freeze(root) == 0
    _correct_june(root, "18.00")
    assert builder.build().ok
    clean = SiteBuilder(root, tmp_path / "clean").build()
    assert clean.ok
    for page in sorted((tmp_path / "clean").rglob("*.html")):
        rel = page.relative_to(tmp_path / "clean")
        assert (tmp_path / "inc" / rel).read_bytes() == page.read_bytes(), rel
    (root / "reviews/2026-06.json").unlink()
    assert builder.build().ok
    assert "Frozen on" not in (tmp_path / "inc/reviews/2026-06/index.html").read_text()


def test_round_trip_keeps_every_figure(tmp_path: Path) -> None:
    from generator.analysis.reviews import analyse_reviews
    from generator.build.inputs import load_inputs
    from generator.errors import Problems

    root = _site(tmp_path)
    inputs = load_inputs(root, Problems())
    assert inputs is not None
    import datetime as dt

    reviews = analyse_reviews(inputs.site, inputs.dataset, as_of=dt.date(2026, 6, 30))
    for r in reviews:
        frozen = FrozenReview(r, dt.date(2026, 7, 1), "reviews/x.json", "test")
        back = from_json(json.loads(json.dumps(to_json(frozen))), "reviews/x.json")
        assert back.review.period == r.period and back.review.summary == r.summary
        assert changes_since(back.review, r) == []  # 12 significant digits kept
        assert [g.goal for g in back.review.goals] == [g.goal for g in r.goals]


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda t: t[:-20], "not valid JSON"),
        (lambda t: t.replace('"goalpath_review": 1', '"goalpath_review": 7'), "newer goalpath"),
        (lambda t: re.sub(r'\s*"value_now": [^,]+,', "", t, count=1), "value_now is missing"),
        (lambda t: t.replace('"new_figure": true', '"new_figure": "yes"', 1), '"yes" is not true'),
        (lambda t: t.replace('"stale": false', '"stale": false, "colour": 1', 1), "unknown field"),
        (lambda t: t.replace('"frozen_on": "2026-07-02"', '"frozen_on": "July"'), "frozen_on"),
    ],
    ids=["syntax", "newer-format", "missing-field", "wrong-type", "unknown-field", "bad-date"],
)
def test_a_damaged_frozen_file_is_an_error_and_the_site_stays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Any, says: str
) -> None:
    root = _site(tmp_path)
    assert _freeze(root) == 0
    assert main(["build", "--site", str(root), "-q"]) == 0
    before = (root / "build/index.html").read_bytes()
    f = root / "reviews/2026-06.json"
    f.write_text(edit(f.read_text(encoding="utf-8")), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--site", str(root), "-q"]) == 1
    err = capsys.readouterr().err
    assert "reviews/2026-06.json" in err and says in err
    assert "restore the file from Git" in err
    assert "Traceback" not in err
    assert re.search(r"reviews/2026-06\.json:\d+", err), "a line to look at"
    assert (root / "build/index.html").read_bytes() == before
    assert main(["check", "--site", str(root)]) == 1


def test_a_misnamed_frozen_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    assert _freeze(root) == 0
    (root / "reviews/2026-06.json").rename(root / "reviews/2026-05.json")
    (root / "reviews/notes.json").write_text("{}", encoding="utf-8")
    assert main(["check", "--site", str(root)]) == 1
    err = capsys.readouterr().err
    assert "holds the review of 2026-06" in err and "rename it to reviews/2026-06.json" in err
    assert "'notes' is not a review period" in err


def test_a_frozen_review_of_another_cadence_is_shown_without_comparison(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    assert _freeze(root) == 0
    cfg = root / "goalpath.toml"
    cfg.write_text(cfg.read_text() + '[reviews]\nperiod = "quarter"\n', encoding="utf-8")
    assert main(["build", "--site", str(root), "-q"]) == 0
    assert "a monthly review, but the site reviews by quarter" in capsys.readouterr().err
    page = (root / "build/reviews/2026-06/index.html").read_text(encoding="utf-8")
    assert "are not compared with it" in page
    assert (root / "build/reviews/2026-Q2/index.html").is_file()


def test_a_new_frozen_file_makes_build_run_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    assert main(["build", "--site", str(root)]) == 0
    assert main(["build", "--site", str(root)]) == 0
    assert "up to date" in capsys.readouterr().err
    assert _freeze(root) == 0
    capsys.readouterr()
    assert main(["build", "--site", str(root)]) == 0
    assert "up to date" not in capsys.readouterr().err
    assert "Frozen on" in (root / "build/reviews/2026-06/index.html").read_text()


@pytest.mark.browser
def test_in_chromium_a_frozen_review_keeps_its_figures_after_a_data_change(
    page: Any, static_server: Any, tmp_path: Path
) -> None:
    root = _site(tmp_path)
    out = _build(root)
    url = static_server(out) + "reviews/2026-06/"
    page.goto(url)
    row = page.locator("table.kpi-moves tbody tr", has_text="Grow sales")
    cells = row.locator("td.num")
    told = cells.all_inner_texts()
    assert told[1] not in ("", "–")
    assert _freeze(root) == 0
    _correct_june(root)
    _build(root)
    # a new address each time: the test server's Last-Modified has one-second steps, so
    # a reload within the second of a rebuild could be answered "not modified"
    page.goto(url + "?after=correction")
    assert cells.all_inner_texts() == told
    frozen = page.get_by_role("region", name=re.compile("Frozen on"))
    assert frozen.is_visible()
    assert "the review showed" in frozen.inner_text()
    # the live computation moved: without the frozen file the page shows today's figure
    (root / "reviews/2026-06.json").unlink()
    _build(root)
    page.goto(url + "?after=unfreezing")
    assert cells.all_inner_texts() != told
    assert page.get_by_role("region", name=re.compile("Frozen on")).count() == 0


@pytest.mark.browser
def test_a_frozen_review_page_is_valid_html_and_accessible(
    page: Any, static_server: Any, tmp_path: Path
) -> None:
    """The note on a frozen page with changes: the Nu checker and axe (light and dark)."""
    from tests.webtools import run_axe, run_vnu

    root = _site(tmp_path)
    assert _freeze(root) == 0
    _correct_june(root)
    out = _build(root)
    files = [out / "reviews/2026-06/index.html", out / "reviews/index.html"]
    assert "the review showed" in files[0].read_text(encoding="utf-8")
    errors = run_vnu(out, files)
    assert not errors, "\n".join(e.format() for e in errors)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(static_server(out) + f"reviews/2026-06/?{scheme}")
        page.wait_for_function(
            "[...document.querySelectorAll('.chart-canvas')].every(c => c.dataset.drawn)"
        )
        bad = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
        assert not bad, (scheme, bad)
