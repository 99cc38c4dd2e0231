"""Every page of the built example site is valid HTML (Nu HTML checker), and so is its CSS."""

from __future__ import annotations

from pathlib import Path

from tests.webtools import run_vnu

CANARY = (
    '<!doctype html><html lang="en"><head><title>x</title></head>'
    "<body><main><p>unclosed <span>text</div></main></body></html>"
)


def test_every_page_of_the_example_site_is_valid_html(
    built_example_site: Path, tmp_path_factory
) -> None:
    site = built_example_site
    files = sorted(
        p for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".css", ".svg"}
    )
    rels = {f.relative_to(site).as_posix() for f in files}
    # The checker sees the dashboard, goal, path, section and content pages and the stylesheet.
    assert {
        "index.html",
        "goals/reduce-medication-errors/index.html",
        "timeline/index.html",
        "alignment/index.html",
        "skills/index.html",
        "about/index.html",
        "assets/style.css",
    } <= rels
    assert any(r.startswith("paths/") for r in rels)
    # A broken page checked in the same run proves the checker reports what it finds.
    canary = tmp_path_factory.mktemp("canary") / "broken.html"
    canary.write_text(CANARY, encoding="utf-8")
    errors = run_vnu(site, [*files, canary])
    assert any(e.file.endswith("broken.html") and "div" in e.message for e in errors), errors
    errors = [e for e in errors if not e.file.endswith("broken.html")]
    assert not errors, f"{len(errors)} HTML/CSS errors:\n" + "\n".join(e.format() for e in errors)
