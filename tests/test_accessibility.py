"""axe-core finds no serious or critical accessibility violation on the main kinds of page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.webtools import run_axe

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "goals/reduce-medication-errors/",
    "goals/improve-csat/",  # several key results
    "paths/safe-medication/",
    "timeline/",
    "alignment/",
    "skills/",
    "about/",
    "goals/",
    "paths/",
    "tags/",
    "tags/healthcare/",
    "departments/patient-safety/",
]
OPTIONAL_PAGES = ["reviews/latest/"]  # checked once the review pages exist in the build
BLOCKING = {"serious", "critical"}


def wait_for_charts(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "[...document.querySelectorAll('.chart-canvas')].every(c => c.dataset.drawn)",
        timeout=15000,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        for n in v["nodes"]:
            lines.append(f"  {v['id']} ({n['impact'] or v['impact']}): {n['target']} — {v['help']}")
    return "\n".join(lines)


# On a phone, wide tables and charts scroll inside their box: those pages are checked again.
PHONE_PAGES = [
    "",
    "goals/reduce-medication-errors/",
    "goals/improve-csat/",
    "goals/improve-csat/",  # several key results
    "paths/safe-medication/",
    "timeline/",
    "skills/",
    "goals/",
    "paths/",
]


@pytest.mark.parametrize(
    ("width", "height", "pages", "scheme"),
    [
        (1280, 900, PAGES, "light"),
        (390, 844, PHONE_PAGES, "light"),
        (1280, 900, PAGES, "dark"),
        (390, 844, PHONE_PAGES, "dark"),
    ],
    ids=["laptop", "phone", "laptop-dark", "phone-dark"],
)
def test_main_pages_have_no_serious_axe_violations(
    browser, static_server, built_example_site, width, height, pages, scheme
):
    base = static_server(built_example_site)
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    failures: list[str] = []
    checked = 0
    try:
        for rel in pages + [
            p for p in OPTIONAL_PAGES if (built_example_site / p / "index.html").is_file()
        ]:
            page = context.new_page()
            response = page.goto(base + rel)
            assert response is not None and response.ok, rel
            wait_for_charts(page)
            bad = [v for v in run_axe(page) if v["impact"] in BLOCKING]
            if bad:
                failures.append(f"/{rel}:\n{describe(bad)}")
            checked += 1
            page.close()
    finally:
        context.close()
    assert checked >= len(pages)
    assert not failures, f"axe violations (serious/critical) at {width}px, {scheme}:\n" + "\n".join(
        failures
    )


def test_axe_reports_a_violation_on_a_broken_page(page, static_server, tmp_path: Path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">faint text</p><img src="x.png">'
        "</main></body></html>",
        encoding="utf-8",
    )
    page.goto(static_server(tmp_path))
    ids = {v["id"] for v in run_axe(page) if v["impact"] in BLOCKING}
    assert {"color-contrast", "image-alt"} <= ids
