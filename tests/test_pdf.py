"""``goalpath pdf`` in a real Chromium: the example site's review and goal pages as PDF.

One PDF run for the module (the review into a named file, ``--goals`` beside it); the
assertions read the PDFs back with pypdf and poppler (``pdftotext``, ``pdftoppm``).
Charts count as drawn only if their SVG reached the paper: the axis titles Vega draws
are in the PDF's text, and the learning chart's bar colour covers a real area of its page.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.commands import browser
from generator.commands import pdf as pdfmod
from generator.errors import GoalpathError

REPO = Path(__file__).resolve().parent.parent
BAR_BLUE = (0x23, 0x56, 0xA8)
"""The learning chart's bars (review_views._learning_template); nothing else on its page."""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def text_of(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


def pixels_near(pdf: Path, page: int, colour: tuple[int, int, int], tol: int = 24) -> float:
    """Share of the page's pixels within ``tol`` of ``colour`` (rendered at 40 dpi)."""
    data = subprocess.run(
        ["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
    ).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert m, data[:20]
    w, h = int(m.group(1)), int(m.group(2))
    body = data[m.end() : m.end() + 3 * w * h]
    r0, g0, b0 = colour
    hits = sum(
        1
        for i in range(0, len(body), 3)
        if abs(body[i] - r0) <= tol
        and abs(body[i + 1] - g0) <= tol
        and abs(body[i + 2] - b0) <= tol
    )
    return hits / (w * h)


def goal_titles() -> dict[str, str]:
    titles = {}
    for path in sorted((REPO / "content" / "goals").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        titles[path.stem] = meta["title"]
    return titles


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pdf") / "site"
    root.mkdir()
    for name in ("content", "data"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "goalpath.toml", root / "goalpath.toml")
    return root


@pytest.fixture(scope="module")
def printed(example: Path, browser: object) -> tuple[int, str, Path]:
    """``goalpath pdf --goals --output OUT/review.pdf`` once; (exit code, stderr, file).

    With the session's ``browser`` running, as in a full test run: a Playwright sync API
    already live in this thread once made printing fail ("inside the asyncio loop").
    """
    import contextlib
    import io

    target = example.parent / "out" / "review.pdf"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["pdf", "--site", str(example), "--goals", "--output", str(target)])
    return code, err.getvalue(), target


@pytest.mark.browser
def test_review_pdf_is_written_without_touching_build(printed, example):
    code, err, target = printed
    assert code == 0, err
    assert "Traceback" not in err
    assert f"wrote {target}" in err
    assert target.read_bytes().startswith(b"%PDF-")
    assert not (example / "build").exists(), "goalpath pdf must not write the user's build/"
    assert not (example / pdfmod.DEFAULT_FOLDER).exists()


@pytest.mark.browser
def test_review_has_pages_text_and_footer(printed):
    from pypdf import PdfReader

    _, _, target = printed
    reader = PdfReader(target)
    n = len(reader.pages)
    assert n > 1
    assert (reader.metadata.title or "").startswith("Review: October 2026")
    text = flat(text_of(target))
    assert "Review: October 2026" in text
    for title in goal_titles().values():
        # the KPI table lists every goal; pdftotext reads a wrapped cell's lines apart
        # from each other, so the first words (the whole titles: the goal PDFs below)
        assert " ".join(title.split()[:3]) in text, title
    for page in range(1, n + 1):
        footer = flat(text_of(target, page))
        assert f"Page {page} of {n}" in footer, footer[-200:]
        # the review's figures are taken at the end of October (analysis.as_of 2026-10-31)
        assert "Figures as of 31 Oct 2026" in footer
    # links into the temporary build folder are not left in the PDF
    uris = [
        str(a.get_object().get("/A", {}).get("/URI", ""))
        for pg in reader.pages
        for a in pg.get("/Annots") or []
    ]
    assert not [u for u in uris if u.startswith("file:")]
    # site chrome is not printed
    assert "All reviews" not in text and "Search" not in text
    assert "Dashboard" not in text


@pytest.mark.browser
def test_review_charts_are_drawn_on_paper(printed):
    _, _, target = printed
    text = flat(text_of(target))
    # axis and legend titles exist only in the drawn SVG (the spec JSON is not printed,
    # and the fallback data tables do not carry them)
    assert "Progress from baseline (0%) to target (100%)" in text
    assert "Status now" in text
    assert "Enrolled learners who completed (%)" in text
    # and the learning chart's bars are really painted
    page = next(
        i for i in range(1, 20) if "Enrolled learners who completed" in flat(text_of(target, i))
    )
    assert pixels_near(target, page, BAR_BLUE) > 0.01


@pytest.mark.browser
def test_goal_pages_are_printed_beside_the_review(printed):
    from pypdf import PdfReader

    _, err, target = printed
    titles = goal_titles()
    files = sorted(target.parent.glob("goal-*.pdf"))
    assert [f.name for f in files] == [f"goal-{g}.pdf" for g in sorted(titles)]
    for goal, title in titles.items():
        assert flat(title) in flat(text_of(target.parent / f"goal-{goal}.pdf")), title
    page = target.parent / "goal-reduce-medication-errors.pdf"
    assert f"wrote {page}" in err
    assert len(PdfReader(page).pages) > 1
    text = flat(text_of(page))
    assert titles["reduce-medication-errors"] in text
    assert "Figures as of 31 Oct 2026" in text and "Page 1 of" in text
    # the KPI chart: its legend is drawn text
    assert "Ward 4A (internal medicine) nurses" in text


@pytest.mark.browser  # needs Chromium installed (it is looked for before building)
def test_unknown_period_names_the_available_ones(make_site, capsys):
    site = make_site()
    code, err = run(capsys, "pdf", "--site", str(site), "--period", "2026-Q3")
    assert code == 1
    assert "Traceback" not in err
    assert "no review for period '2026-Q3'" in err
    assert re.search(r"the reviews are: .*2026-06", err), err
    assert not (site / pdfmod.DEFAULT_FOLDER).exists()


def test_missing_playwright_is_a_clear_error(make_site, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    code, err = run(capsys, "pdf", "--site", str(make_site()))
    assert code == 1
    assert "Playwright is not installed" in err and "pip install" in err
    assert "Traceback" not in err


def test_missing_chromium_is_a_clear_error(make_site, capsys, monkeypatch):
    monkeypatch.setattr(pdfmod, "find_chromium", lambda: None)
    code, err = run(capsys, "pdf", "--site", str(make_site()))
    assert code == 1
    assert "Chromium was not found" in err and "apt-get install -y chromium" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("output", "file", "folder"),
    [
        (None, None, "site/build-pdf"),
        ("report.pdf", "report.pdf", "."),
        ("REPORT.PDF", "REPORT.PDF", "."),
        ("pdfs", None, "pdfs"),
        ("pdfs/q3.pdf", "pdfs/q3.pdf", "pdfs"),
    ],
)
def test_output_is_a_file_or_a_folder(tmp_path, monkeypatch, output, file, folder):
    monkeypatch.chdir(tmp_path)  # a relative --output is relative to where goalpath runs
    got_file, got_folder = pdfmod._output_paths(tmp_path / "site", Path(output) if output else None)
    assert got_file == (tmp_path / file if file else None)
    assert got_folder == (tmp_path / folder).resolve()


def test_output_that_is_a_file_but_not_a_pdf_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(GoalpathError, match="is a file, not a folder"):
        pdfmod._output_paths(tmp_path, tmp_path / "notes.txt")


def test_browser_tests_and_pdf_share_one_launch_list():
    from tests.browser_fixture import CHROMIUM_ARGS

    assert list(browser.CHROMIUM_ARGS) == CHROMIUM_ARGS
    assert any(a.startswith("--host-resolver-rules=") for a in CHROMIUM_ARGS)


def test_footer_template_has_page_numbers_and_escapes_the_date():
    html = pdfmod.footer_template("<31 Oct>")
    assert '<span class="pageNumber"></span>' in html
    assert '<span class="totalPages"></span>' in html
    assert "&lt;31 Oct&gt;" in html and "<31 Oct>" not in html
    assert "Figures as of" not in pdfmod.footer_template(None)


def test_review_as_of_is_the_period_end_or_the_report_date():
    as_of = dt.date(2026, 10, 20)
    assert pdfmod._review_as_of("2026-09", as_of) == "30 Sep 2026"
    assert pdfmod._review_as_of("2026-10", as_of) == "20 Oct 2026"
    assert pdfmod._review_as_of("2026-Q3", as_of) == "30 Sep 2026"
