"""Take the data with you (issue 13): every chart's data table offers "Download CSV", made
at build time as a ``data:`` URL (no server; works from ``file://``), with the values
behind the table (unrounded numbers, ISO dates); drawn charts offer "Save SVG" and
"Save PNG" from the chart's own view. Then the dark theme: charts follow the system's
colour scheme and print light."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import math
import re
from pathlib import Path
from typing import Any

import pytest

from generator.charts.base import Table
from generator.render.jinja import csv_href, download_stem

REPO = Path(__file__).resolve().parents[1]
_LINK = re.compile(
    r'<a href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" '
    r'download="([^"]+\.csv)" type="text/csv">Download CSV'
)


def _decode(href_b64: str) -> list[list[str]]:
    raw = base64.b64decode(href_b64)
    assert raw.startswith("\ufeff".encode()), "a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_holds_the_raw_values_when_the_table_has_them() -> None:
    t = Table(
        ["Period", "Value"],
        [["Oct 2026", "4.1"]],
        ["period_start", "value", "note"],
        [[dt.date(2026, 10, 1), 4.123456789012345, None], [dt.date(2026, 11, 1), math.nan, "a, b"]],
    )
    href = csv_href(t)
    assert href.startswith("data:text/csv;charset=utf-8;base64,")
    rows = _decode(href.split(",", 1)[1])
    assert rows == [
        ["period_start", "value", "note"],
        ["2026-10-01", "4.12345678901", ""],
        ["2026-11-01", "", "a, b"],
    ]


def test_csv_falls_back_to_the_table_text_and_escapes_what_csv_needs() -> None:
    t = Table(["Cohort", "Note"], [['Ward "A", nights', "=1+1"]])
    rows = _decode(csv_href(t).split(",", 1)[1])
    assert rows == [["Cohort", "Note"], ['Ward "A", nights', "=1+1"]]


def test_download_names_follow_the_page() -> None:
    assert download_stem("index.html") == "dashboard"
    assert download_stem("goals/cut-errors/index.html") == "goals-cut-errors"
    assert download_stem("reviews/2026-10/index.html") == "reviews-2026-10"


def test_every_chart_with_a_table_offers_its_csv(built_example_site: Path) -> None:
    """Every figure with a data table has a CSV link whose rows are the table's rows
    (same count), named after the page and chart; the KPI chart's CSV has the unrounded
    values the page shows rounded."""
    seen_kpi = 0
    for page in sorted(built_example_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="chart" id="([^"]+)">(.*?)</figure>', html, re.S)
        for spec_id, body in figures:
            if '<details class="chart-data">' not in body:
                continue
            link = _LINK.search(body)
            assert link, f"{page}: {spec_id} has a data table but no CSV link"
            stem = download_stem(str(page.relative_to(built_example_site)))
            assert link.group(2) == f"{stem}-{spec_id}.csv"
            rows = _decode(link.group(1))
            table_rows = re.findall(r"<tr>(?:<td>.*?</td>)+</tr>", body.split("<tbody>")[1])
            assert len(rows) - 1 == len(table_rows), f"{page}: {spec_id}"
            if spec_id == "kpi-chart":
                seen_kpi += 1
                assert rows[0] == ["period", "period_start", "series", "value"]
                for r in rows[1:]:
                    dt.date.fromisoformat(r[1])
                    float(r[3])
    assert seen_kpi >= 3


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["http", "file"])
def test_download_csv_and_save_png_svg_in_chromium(
    page: Any, static_server: Any, built_example_site: Path, scheme: str, tmp_path: Path
) -> None:
    goal = next(
        p.parent.name
        for p in sorted((built_example_site / "goals").glob("*/index.html"))
        if 'id="kpi-chart"' in p.read_text(encoding="utf-8")
    )
    base = (
        static_server(built_example_site) if scheme == "http" else built_example_site.as_uri() + "/"
    )
    page.goto(base + f"goals/{goal}/index.html")
    figure = page.locator("#kpi-chart")
    figure.locator(".chart-canvas[data-drawn]").wait_for()
    with page.expect_download() as info:
        figure.get_by_role("link", name=re.compile("Download CSV")).click()
    download = info.value
    assert download.suggested_filename == f"goals-{goal}-kpi-chart.csv"
    saved = tmp_path / "kpi.csv"
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"), newline="")))
    shown = figure.locator(".chart-data tbody tr").count()
    assert rows[0] == ["period", "period_start", "series", "value"] and len(rows) - 1 == shown
    for fmt, magic in (("svg", b"<svg"), ("png", b"\x89PNG")):
        with page.expect_download() as info:
            figure.locator(f"button.chart-save[data-format={fmt}]").click()
        assert info.value.suggested_filename == f"goals-{goal}-kpi-chart.{fmt}"
        out = tmp_path / f"kpi.{fmt}"
        info.value.save_as(out)
        assert magic in out.read_bytes()[:200]


def _colours(page: Any, selector: str) -> set[str]:
    return set(
        page.eval_on_selector_all(
            selector + " svg text",
            "els => els.map(e => getComputedStyle(e).fill)",
        )
    )


@pytest.mark.browser
def test_charts_and_page_follow_the_dark_scheme_and_switch_back(
    page: Any, static_server: Any, built_example_site: Path
) -> None:
    from generator.charts.palette import DARK, INK, MUTED

    def rgb(hex_colour: str) -> str:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return f"rgb({r}, {g}, {b})"

    goal = next(
        p.parent.name
        for p in sorted((built_example_site / "goals").glob("*/index.html"))
        if 'id="kpi-chart"' in p.read_text(encoding="utf-8")
    )
    page.emulate_media(color_scheme="dark")
    page.goto(static_server(built_example_site) + f"goals/{goal}/")
    page.locator(".chart-canvas[data-scheme=dark]").first.wait_for()
    body_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body_bg == "rgb(18, 22, 29)"
    texts = _colours(page, ".chart-canvas[data-scheme=dark]")
    assert rgb(DARK[MUTED]) in texts and rgb(MUTED) not in texts and rgb(INK) not in texts
    # printed from a dark screen: paper is white, so the charts draw light
    page.emulate_media(media="print")
    page.wait_for_function("() => !document.querySelector('.chart-canvas[data-scheme=dark]')")
    assert rgb(MUTED) in _colours(page, ".chart-canvas")
    page.emulate_media(media="screen")
    page.locator(".chart-canvas[data-scheme=dark]").first.wait_for()
    page.emulate_media(color_scheme="light")
    page.locator(".chart-canvas[data-scheme=light]").first.wait_for()
    page.wait_for_function("() => !document.querySelector('.chart-canvas[data-scheme=dark]')")
    texts = _colours(page, ".chart-canvas")
    assert rgb(MUTED) in texts and rgb(DARK[MUTED]) not in texts


def test_charts_js_swaps_exactly_the_palettes_dark_colours() -> None:
    from generator.charts import palette

    js = (REPO / "themes/default/static/charts.js").read_text(encoding="utf-8")
    table = js[js.index("var DARK = {") : js.index("};", js.index("var DARK = {"))]
    assert dict(re.findall(r'"(#[0-9a-f]{6})": "(#[0-9a-f]{6})"', table)) == palette.DARK
    css = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
    dark = css[css.index("prefers-color-scheme: dark") :]
    root = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", dark[: dark.index("}")]))
    assert root["ink"] == palette.DARK[palette.INK]
    assert root["muted"] == palette.DARK[palette.MUTED]


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_dark_chart_colours_read_on_the_dark_card() -> None:
    """Marks and text 3:1 against the dark card (WCAG's non-text contrast); the grid is
    the one colour meant to stay faint; axis text (ink, muted) 4.5:1."""
    from generator.charts import palette

    card = "#1b212b"
    for light, dark_colour in palette.DARK.items():
        if light == palette.GRID:
            assert _contrast(dark_colour, card) < 1.5
            continue
        need = 4.5 if light in (palette.INK, palette.MUTED) else 3.0
        assert _contrast(dark_colour, card) >= need, (light, dark_colour)
