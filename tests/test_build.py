"""Whole builds of small sites: the pages and links that must exist, atomic output,
base_url, and that author input cannot inject script."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from generator.build.builder import SiteBuilder
from generator.cli import main
from tests.linkcheck import broken_links


def build(root: Path, **kwargs: object) -> tuple[int, str]:
    """Run ``goalpath build`` in-process; (exit code, stderr)."""
    import contextlib
    import io

    err = io.StringIO()
    args = ["build", "--site", str(root), "--quiet"]
    for k, v in kwargs.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    with contextlib.redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def read(root: Path, rel: str) -> str:
    return (root / "build" / rel).read_text(encoding="utf-8")


def test_small_site_has_every_page_and_link(make_site):
    root = make_site()
    code, err = build(root)
    assert code == 0, err
    out = root / "build"
    for rel in (
        "index.html",
        "goals/grow-sales/index.html",
        "goals/company/index.html",
        "paths/selling/index.html",
        "about/index.html",
        "timeline/index.html",
        "alignment/index.html",
        "skills/index.html",
        "404.html",
        "api/goals.json",
        "api/goals.csv",
        "search/index.js",
        "assets/style.css",
        "assets/print.css",
    ):
        assert (out / rel).is_file(), rel

    dashboard = read(root, "index.html")
    assert 'href="goals/grow-sales/index.html"' in dashboard
    assert 'href="paths/selling/index.html"' in dashboard
    assert "Grow sales in the north by 10%" in dashboard
    assert "Head of Sales" in dashboard

    goal = read(root, "goals/grow-sales/index.html")
    assert 'href="../../paths/selling/index.html"' in goal
    assert "<strong>Value selling</strong>" in goal  # narrative Markdown rendered
    assert "SMART check" in goal
    assert 'media="print"' in goal

    path = read(root, "paths/selling/index.html")
    # cohort north starts 2025-09-01; the week-3 exam falls on 15 Sep 2025
    assert "15 Sep 2025" in path
    assert 'href="../../goals/grow-sales/index.html"' in path
    assert broken_links(out) == []


def test_failed_build_leaves_previous_output_byte_for_byte(make_site):
    root = make_site()
    assert build(root)[0] == 0
    before = tree_digest(root / "build")
    goal = root / "content/goals/grow-sales.md"
    goal.write_text(goal.read_text().replace("direction: increase", "direction: upwards"))
    code, err = build(root)
    assert code == 1
    assert "content/goals/grow-sales.md:9:" in err
    assert "kpi.direction" in err
    assert "nothing was written" in err
    assert "Traceback" not in err
    assert tree_digest(root / "build") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".build")]


def test_failed_template_leaves_output_intact(make_site):
    root = make_site({"themes/default/templates/page.html": "{% extends 'base.html' %}{% block"})
    code, err = build(root)
    assert code == 1
    assert "themes/default/templates/page.html" in err
    assert not (root / "build").exists()


def test_base_url_prefixes_every_internal_link(make_site):
    root = make_site()
    assert build(root, base_url="/intranet/goals/")[0] == 0
    html = read(root, "goals/grow-sales/index.html")
    hrefs = re.findall(r'(?:href|src)="([^"#]+)"', html)
    internal = [h for h in hrefs if not h.startswith(("http:", "https:", "mailto:", "data:"))]
    assert internal
    assert all(h.startswith("/intranet/goals/") for h in internal), internal
    assert "/intranet/goals/paths/selling/" in html


def test_relative_links_by_default_work_from_disk(make_site):
    root = make_site()
    assert build(root)[0] == 0
    html = read(root, "goals/grow-sales/index.html")
    hrefs = re.findall(r'(?:href|src)="([^"#]+)"', html)
    assert hrefs
    assert not [h for h in hrefs if h.startswith("/")]
    # file:// has no directory index: links name index.html explicitly
    assert not [h for h in hrefs if h.endswith("/")]


SCRIPT_BODY = """
    ---
    title: Grow sales
    owner: Head of Sales
    kpi:
      metric: sales_per_rep
      direction: increase
      target: {value: 12, date: 2026-12-31}
    ---
    <script>alert('md')</script>

    <img src=x onerror="alert('img')">

    [click](javascript:alert('link'))

    Text with <b>inline html</b>.
"""


def test_markdown_cannot_inject_script(make_site):
    root = make_site({"content/goals/grow-sales.md": SCRIPT_BODY})
    code, err = build(root)
    assert code == 0, err
    html = read(root, "goals/grow-sales/index.html")
    assert "<script>alert" not in html
    assert 'onerror="' not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently


def test_allow_html_passes_html_but_never_javascript_links(make_site):
    root = make_site(
        {
            "content/goals/grow-sales.md": SCRIPT_BODY,
            "goalpath.toml": "[site]\ntitle='T'\nallow_html = true\n[analysis]\nas_of=2026-06-30\n",
        }
    )
    assert build(root)[0] == 0
    html = read(root, "goals/grow-sales/index.html")
    assert "<b>inline html</b>" in html
    assert 'href="javascript:' not in html


def test_data_in_script_tags_is_escaped(make_site):
    evil = "Sales </script><script>alert(1)</script> & more"
    root = make_site(
        {
            "content/goals/grow-sales.md": f"""
                ---
                title: "{evil}"
                owner: "<b>owner</b>"
                kpi:
                  metric: sales_per_rep
                  unit: "</script>"
                  direction: increase
                  baseline: {{value: 10, date: 2025-06-30}}
                  target: {{value: 12, date: 2026-12-31}}
                learning_paths: [selling]
                monitoring: {{control_group: south}}
                ---
                Body.
            """
        }
    )
    code, err = build(root)
    assert code == 0, err
    for rel in ("index.html", "goals/grow-sales/index.html", "search/index.js"):
        text = read(root, rel)
        assert "<script>alert(1)" not in text, rel
        assert "<b>owner</b>" not in text, rel
    goal = read(root, "goals/grow-sales/index.html")
    # every <script> block's body is free of a premature end tag
    for body in re.findall(r"<script[^>]*>(.*?)</script>", goal, flags=re.S):
        assert "</" not in body
    # and the JSON still parses back to the same title
    specs = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', goal, flags=re.S)
    assert specs
    for spec in specs:
        assert isinstance(json.loads(spec), dict)
    api = {g["id"]: g for g in json.loads(read(root, "api/goals.json"))["goals"]}
    assert api["grow-sales"]["title"] == evil


def test_no_learner_id_reaches_the_site(make_site):
    root = make_site()
    assert build(root)[0] == 0
    for p in (root / "build").rglob("*"):
        if p.is_file() and p.suffix in {".html", ".json", ".js", ".csv"}:
            assert not re.search(r"\bL00\d\b", p.read_text(encoding="utf-8")), p


@pytest.mark.parametrize(
    ("out", "why"),
    [(".", "site folder"), ("content", "")],
)
def test_refuses_to_write_over_the_site_or_a_foreign_folder(make_site, out, why):
    root = make_site()
    code, err = build(root, out=root / out)
    assert code == 1
    assert "will not write the site here" in err
    assert (root / "content/goals/grow-sales.md").is_file()


def test_incremental_builder_reuses_unchanged_pages(make_site):
    root = make_site()
    builder = SiteBuilder(root)
    first = builder.build()
    assert first.ok and first.reused == 0
    again = builder.build()
    assert again.ok and again.pages == 0 and again.reused == first.pages


def test_example_site_builds_without_errors_and_links_resolve(tmp_path):
    repo = Path(__file__).resolve().parents[1]
    result = SiteBuilder(repo, tmp_path / "out").build()
    assert result.ok, [p.format() for p in result.problems]
    assert not [p for p in result.problems if p.severity == "error"]
    assert broken_links(tmp_path / "out") == []
    api = json.loads((tmp_path / "out/api/goals.json").read_text())
    assert len(api["goals"]) >= 6
    statuses = {g["status"] for g in api["goals"]}
    assert {"on-track", "off-track"} <= statuses and len(statuses) >= 4
    estimates = [g["impact"] for g in api["goals"] if g["impact"] and g["impact"]["estimate"]]
    assert len(estimates) >= 2
    # every path page's activity table has figures (it looked them up by the wrong key)
    for page in sorted((tmp_path / "out/paths").glob("*/index.html")):
        html = page.read_text()
        if "Share of each cohort that completed each activity" not in html:
            continue
        table = html.split("Share of each cohort that completed each activity", 1)[1]
        table = table.split("</table>", 1)[0]
        assert "%</td>" in table, f"{page}: the activity completion table is empty"
    # a cohort's training band has its KPI line's colour (bands went by label, lines by order)
    html = (tmp_path / "out/goals/reduce-medication-errors/index.html").read_text()
    raw = html.split('id="kpi-chart-spec">', 1)[1].split("</script>", 1)[0]
    spec = json.loads(raw)
    palette = next(
        layer["encoding"]["color"]["scale"]["range"]
        for layer in spec["layer"]
        if layer.get("data") == {"name": "series"}
    )
    order = {r["series"]: r["order"] for r in spec["datasets"]["series"]}
    bands = {r["short"]: r["colour"] for r in spec["datasets"]["training"]}
    matched = [name for name in bands if name in order]
    assert matched, (bands, order)
    for name in matched:
        assert bands[name] == palette[order[name] % len(palette)], name


def test_the_public_api_is_sorted_complete_and_lazy() -> None:
    """``generator.__all__``: sorted, every name there, and ``import generator`` loads
    no stage (pandas, Altair) until a name is used."""
    import subprocess
    import sys

    import generator

    assert generator.__all__ == sorted(generator.__all__)
    for name in generator.__all__:
        assert getattr(generator, name) is not None, name
    assert generator.SiteBuilder.__module__ == "generator.build.builder"
    with pytest.raises(AttributeError):
        _ = generator.no_such_name  # type: ignore[attr-defined]
    code = "import sys, generator; print('pandas' in sys.modules, 'altair' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_build_from_the_disk_cache_equals_a_clean_build(make_site, tmp_path: Path) -> None:
    """fits.json and charts.json: the next process's build takes every series fit and
    chart template from them, and the site is the same, byte for byte; a damaged or
    foreign file is never trusted."""
    import json

    from generator.build import disk_cache

    root = make_site()
    clean = SiteBuilder(root, tmp_path / "clean")
    assert clean.build().ok
    assert (
        clean._kept[disk_cache.FITS] is not None
        and len(clean._kept[disk_cache.FITS].used) > clean._kept[disk_cache.FITS].hits
    )  # fitted here
    saved = root / ".goalpath-cache" / disk_cache.FITS
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["version"] == disk_cache.fits_version() and len(data["values"]) == len(
        clean._kept[disk_cache.FITS].used
    )

    cached = SiteBuilder(root, tmp_path / "cached")  # a new process, as far as caches go
    result = cached.build()
    assert result.ok and result.problems == []
    assert (
        cached._kept[disk_cache.FITS] is not None
        and cached._kept[disk_cache.FITS].hits >= len(data["values"]) > 0
    )
    assert cached._kept[disk_cache.FITS].used == set(data["values"])  # every fit taken, none made
    assert _tree(tmp_path / "cached") == _tree(tmp_path / "clean")
    assert cached._kept[disk_cache.CHARTS].used >= {"generator.charts.kpi"}
    charts = json.loads((root / ".goalpath-cache" / disk_cache.CHARTS).read_text("utf-8"))
    assert charts["values"]["generator.charts.kpi"]["layer"]  # the compiled template
    # a fresh process with both files warm: no Altair import, the same site
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from generator.build.builder import SiteBuilder;"
        f"r = SiteBuilder(Path({str(root)!r}), Path({str(tmp_path / 'fresh')!r})).build();"
        "print(r.ok, 'altair' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "False"], done.stderr[-2000:]
    assert _tree(tmp_path / "fresh") == _tree(tmp_path / "clean")

    saved.write_text('{"format": 1, "values": [1, 2]', encoding="utf-8")  # damaged
    damaged = SiteBuilder(root, tmp_path / "damaged").build()
    assert damaged.ok
    assert [p.message for p in damaged.problems if "cache" in p.message] == [
        "the cache is damaged or not goalpath's (Expecting ',' delimiter: line 1 column 31"
        " (char 30)); ignored and replaced"
    ]
    assert _tree(tmp_path / "damaged") == _tree(tmp_path / "clean")
    assert json.loads(saved.read_text(encoding="utf-8"))["values"]  # replaced by a good one

    data["version"] = "other code"
    data["values"] = {
        k: [["Intercept"], [1e9], [1], [1], [0.5], 0, 0, 1, 3] for k in data["values"]
    }
    saved.write_text(json.dumps(data), encoding="utf-8")  # planted figures, other code
    foreign = SiteBuilder(root, tmp_path / "foreign")
    assert foreign.build().ok
    assert (
        foreign._kept[disk_cache.FITS] is not None
        and len(foreign._kept[disk_cache.FITS].used) > foreign._kept[disk_cache.FITS].hits
    )  # refitted
    assert _tree(tmp_path / "foreign") == _tree(tmp_path / "clean")


def test_theme_templates_compile_once_per_user_not_per_build(
    make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Jinja bytecode cache lives in the user's cache folder (never in the site
    folder, which others may write) and a build that loads from it writes the same site."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    root = make_site()
    assert SiteBuilder(root, tmp_path / "first").build().ok
    (folder,) = (tmp_path / "cache-home" / "goalpath").glob("jinja-*")
    compiled = sorted(folder.iterdir())
    assert compiled and all(p.suffix == ".cache" for p in compiled)
    assert folder.stat().st_mode & 0o077 == 0  # this user's only
    assert not list(root.rglob("*.cache"))
    import jinja2

    loaded: list[str] = []
    original = jinja2.FileSystemBytecodeCache.load_bytecode

    def spy(self: jinja2.FileSystemBytecodeCache, bucket: jinja2.bccache.Bucket) -> None:
        original(self, bucket)
        if bucket.code is not None:
            loaded.append(bucket.key)

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "load_bytecode", spy)
    assert SiteBuilder(root, tmp_path / "second").build().ok
    assert len(loaded) >= len(compiled) > 0  # every template from the cache
    assert _tree(tmp_path / "second") == _tree(tmp_path / "first")
