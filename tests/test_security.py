"""Attacks of a hostile author or data provider on the promises of docs/architecture.md
(Security, Privacy, Atomic output): each test builds a site with the hostile input and
inspects every output file."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build.builder import SiteBuilder
from generator.build.output import OutputWriter, UnsafeOutputPath
from tests.sitekit import MINIMAL_SITE

# Breaks out of a <script>, an element and an attribute; then an HTML comment opener and
# the two line terminators JavaScript before ES2019 did not allow inside strings.
EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(1)>\"'><svg onload=alert(1)>"
TAIL = "<!--\u2028\u2029-->end"


def marker(name: str) -> str:
    """A word that survives every label clean-up (slugs as words, ``_`` as spaces)."""
    return re.sub(r"[^A-Za-z0-9]", "", name)


def hostile(name: str) -> str:
    return f"{marker(name)}{EVIL}{TAIL}"


def q(value: str) -> str:
    """A YAML scalar for ``value`` (JSON is YAML)."""
    return json.dumps(value)


def base(rel: str) -> str:
    """A file of the minimal site as make_site writes it."""
    return textwrap.dedent(str(MINIMAL_SITE[rel])).lstrip("\n")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# ---------------------------------------------------------------- inspecting the output


class _Page(HTMLParser):
    """Tags, attributes, text and script bodies of one page, as a browser tokenizes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._body = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._body.append(data)
        else:
            self.texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._body)))
            self._script = None


def _scheme(url: str) -> str:
    """The scheme a browser sees: entities decoded (by the parser), controls and spaces gone."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    return cleaned.partition(":")[0] if ":" in cleaned.split("/", 1)[0] else ""


def built_files(root: Path) -> list[Path]:
    out = root / "build"
    assert out.is_dir()
    return sorted(p for p in out.rglob("*") if p.is_file())


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _allowed_data(tag: str, attrs: dict[str, str], value: str) -> bool:
    """data: only for images, and for a chart's "Download CSV": a CSV made at build time,
    saved (``download``), never shown as a page."""
    if value.lower().startswith("data:image/"):
        return True
    return (
        tag == "a"
        and "download" in attrs
        and value.startswith("data:text/csv;charset=utf-8;base64,")
    )


def assert_no_injection(root: Path) -> None:
    """No executable markup from input in any page, script block or data file."""
    out = root / "build"
    pages = [p for p in built_files(root) if p.suffix == ".html"]
    assert pages
    for path in pages:
        rel = path.relative_to(out).as_posix()
        page = parse_page(path)
        for tag, attrs in page.tags:
            assert tag not in ("iframe", "object", "embed", "base"), (rel, tag)
            assert not (tag == "img" and attrs.get("src") == "x"), (rel, attrs)
            for name, value in attrs.items():
                assert not name.startswith("on"), (rel, tag, name, value)
                if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                    scheme = _scheme(value)
                    assert scheme not in ("javascript", "vbscript", "file"), (rel, value)
                    assert scheme != "data" or _allowed_data(tag, attrs, value), value
        for attrs, body in page.scripts:
            if "src" in attrs:
                assert not body.strip(), rel
                continue
            # the only inline scripts are JSON data blocks (chart specs)
            assert attrs.get("type") == "application/json", (rel, attrs, body[:80])
            for bad in ("</", "<!--", "<script", "\u2028", "\u2029"):
                assert bad not in body, (rel, bad)
            json.loads(body)
    index = (out / "search/index.js").read_text(encoding="utf-8")
    for bad in ("<", "\u2028", "\u2029"):
        assert bad not in index, bad
    prefix = "window.GOALPATH_SEARCH = "
    assert index.startswith(prefix) and index.rstrip().endswith(";")
    json.loads(index[len(prefix) :].rstrip().rstrip(";"))
    json.loads((out / "api/goals.json").read_text(encoding="utf-8"))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def shown_as_text(root: Path, value: str) -> list[str]:
    """Files where ``value`` reaches the reader whole: as text or an attribute value of a
    page, or as a string of the API or the search index (decoded)."""
    out = root / "build"
    hit = []
    index = (out / "search/index.js").read_text(encoding="utf-8")
    data = {
        "api/goals.json": json.loads((out / "api/goals.json").read_text(encoding="utf-8")),
        "search/index.js": json.loads(index.split("=", 1)[1].strip().rstrip(";")),
    }
    hit += [rel for rel, decoded in data.items() if any(value in s for s in _strings(decoded))]
    for path in built_files(root):
        if path.suffix != ".html":
            continue
        page = parse_page(path)
        if any(value in t for t in page.texts) or any(
            value in (v or "") for _, attrs in page.tags for v in attrs.values()
        ):
            hit.append(path.relative_to(root / "build").as_posix())
    return hit


def build_ok(root: Path) -> None:
    result = SiteBuilder(root).build()
    assert result.ok, [p.format() for p in result.problems]


def build_fails(root: Path) -> list[str]:
    result = SiteBuilder(root).build()
    assert not result.ok
    assert not (root / "build").exists()
    return [p.format() for p in result.problems if p.severity == "error"]


def csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


GOAL = "content/goals/grow-sales.md"
PATH = "content/paths/selling.md"
PAGE = "content/pages/about.md"


# ---------------------------------------------------------------- content fields


def _goal(old: str, new: str) -> dict[str, str]:
    return {GOAL: replace_once(str(MINIMAL_SITE[GOAL]), old, new)}


def _path(old: str, new: str) -> dict[str, str]:
    return {PATH: replace_once(str(MINIMAL_SITE[PATH]), old, new)}


CONTENT_FIELDS = {
    "goal title": lambda v: _goal("title: Grow sales in the north by 10%", f"title: {q(v)}"),
    "owner": lambda v: _goal("owner: Head of Sales", f"owner: {q(v)}"),
    "department": lambda v: _goal("department: Sales", f"department: {q(v)}"),
    "tags": lambda v: _goal("department: Sales", f"department: Sales\n        tags: [{q(v)}]"),
    "target group": lambda v: _goal("target_groups: [reps]", f"target_groups: [{q(v)}]"),
    "actions": lambda v: _goal(
        "actions: [Train reps in value selling]", f"actions: [{q(v)}, {{title: {q(v)}}}]"
    ),
    "kpi.unit": lambda v: _goal("unit: k EUR", f"unit: {q(v)}"),
    "kpi.name": lambda v: _goal("unit: k EUR", f"unit: k EUR\n          name: {q(v)}"),
    "evidence": lambda v: _goal(
        "monitoring: {control_group: south}",
        f"monitoring: {{control_group: south, evidence: [{q(v)}]}}",
    ),
    "check-in note": lambda v: _goal(
        "actions: [Train reps in value selling]",
        "actions: [Train reps in value selling]\n"
        f"        checkins: [{{date: 2026-05-01, confidence: 4, note: {q(v)}}}]",
    ),
    "currency": lambda v: _goal(
        "actions: [Train reps in value selling]",
        "actions: [Train reps in value selling]\n"
        f"        costs: {{training: 5000, currency: {q(v)}}}\n        benefit_per_unit: 900",
    ),
    "cohort name": lambda v: _path("name: North team", f"name: {q(v)}"),
    "activity title": lambda v: _path("title: Intro course", f"title: {q(v)}"),
    "activity skill": lambda v: _path("hours: 2}", f"hours: 2, skills: [{q(v)}]}}"),
    "path title": lambda v: _path("title: Value selling", f"title: {q(v)}"),
    "path summary": lambda v: _path(
        "title: Value selling", f"title: Value selling\n        summary: {q(v)}"
    ),
    "page title": lambda v: {
        PAGE: replace_once(str(MINIMAL_SITE[PAGE]), "title: About", f"title: {q(v)}")
    },
    "site title": lambda v: {
        "goalpath.toml": f"[site]\ntitle = {q(v)}\norganisation = {q(v)}\n"
        "[analysis]\nas_of = 2026-06-30\n"
    },
}


@pytest.mark.parametrize("field", list(CONTENT_FIELDS))
def test_hostile_content_field_is_shown_as_text_never_run(make_site, field):
    value = hostile(field)
    root = make_site(CONTENT_FIELDS[field](value))
    build_ok(root)
    assert_no_injection(root)
    # the value reached the reader whole (escaped, not dropped)
    assert shown_as_text(root, marker(field) + EVIL), field


# ---------------------------------------------------------------- data values


def _kpis(column: int, old: str, new: str) -> str:
    rows = csv_rows(str(MINIMAL_SITE["data/kpis.csv"]))
    for row in rows[1:]:
        if row[column] == old:
            row[column] = new
    return csv_text(rows)


def _skills(group: str, skill: str) -> dict[str, str]:
    rows = [["person", "skill", "level", "team", "date"]]
    rows += [[f"p{n}", skill, "2", group, "2026-01-01"] for n in range(6)]
    return {"data/skills.csv": csv_text(rows)}


DATA_VALUES = {
    # a KPI group that is the goal's control group
    "control group": lambda v: {
        "data/kpis.csv": _kpis(3, "south", v),
        **_goal("monitoring: {control_group: south}", f"monitoring: {{control_group: {q(v)}}}"),
    },
    # a KPI group that is a cohort's series
    "cohort group": lambda v: {
        "data/kpis.csv": _kpis(3, "north", v),
        **_path("name: North team,", f"name: North team, group: {q(v)},"),
    },
    "kpi group of the goal": lambda v: {
        "data/kpis.csv": _kpis(3, "north", v),
        **_goal("unit: k EUR", f"unit: k EUR\n          group: {q(v)}"),
    },
    "metric name": lambda v: {
        "data/kpis.csv": _kpis(1, "sales_per_rep", v),
        **_goal("metric: sales_per_rep", f"metric: {q(v)}"),
    },
    "skill name": lambda v: {
        **_skills("reps", v),
        **_goal("target_groups: [reps]", f"target_groups: [reps]\n        skills: {{{q(v)}: 3}}"),
    },
    "team name": lambda v: {
        **_skills(v, "negotiation"),
        **_goal(
            "target_groups: [reps]", f"target_groups: [{q(v)}]\n        skills: {{negotiation: 3}}"
        ),
    },
}


@pytest.mark.parametrize("kind", list(DATA_VALUES))
def test_hostile_data_value_is_shown_as_text_never_run(make_site, kind):
    value = hostile(kind)
    root = make_site(DATA_VALUES[kind](value))
    build_ok(root)
    assert_no_injection(root)
    assert shown_as_text(root, marker(kind) + EVIL), kind


@pytest.mark.parametrize("column", ["cohort", "activity", "path", "verb"])
def test_hostile_ids_in_learning_data_do_not_reach_pages(make_site, column):
    rows = csv_rows(str(MINIMAL_SITE["data/learning.csv"]))
    at = rows[0].index(column)
    for row in rows[1:5]:
        row[at] = hostile(column)
    root = make_site({"data/learning.csv": csv_text(rows)})
    result = SiteBuilder(root).build()
    if not result.ok:  # refusing the rows is fine too; then nothing is written
        assert not (root / "build").exists()
        return
    assert_no_injection(root)
    for path in built_files(root):
        if path.suffix in (".html", ".js", ".json", ".csv"):
            assert EVIL not in path.read_text(encoding="utf-8"), path


# ---------------------------------------------------------------- Markdown


MARKDOWN_ATTACKS = {
    "raw script": "<script>alert(1)</script>",
    "raw img": "<img src=x onerror=alert(1)>",
    "raw svg": '<svg onload=alert(1)><a xlink:href="javascript:alert(1)">x</a></svg>',
    "raw iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "inline html": 'Text <span onmouseover="alert(1)">hover</span> more.',
    "javascript link": "[a](javascript:alert(1))",
    "upper-case scheme": "[a](JaVaScRiPt:alert(1))",
    "entity in scheme": "[a](java&#115;cript:alert(1)) [b](&#x6A;avascript:alert(1))",
    "whitespace in scheme": "[a](<java\tscript:alert(1)>) [b](< javascript:alert(1)>)",
    "vbscript link": "[a](vbscript:msgbox(1))",
    "file link": "[a](file:///etc/passwd)",
    "reference link": "[a][r]\n\n[r]: javascript:alert(1)",
    "autolink": "<javascript:alert(1)> <data:text/html,<script>alert(1)</script>>",
    "data html link": "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data svg image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "javascript image": "![x](javascript:alert(1))",
    "link title": '[a](https://example.com "\\" onmouseover=\\"alert(1)")',
    "image alt": '![<img src=x onerror=alert(1)> "onerror=alert(1)](https://example.com/a.png)',
    "heading": "## <img src=x onerror=alert(1)> heading",
    "internal link fragment": '[g](../goals/company.md#"><img src=x onerror=alert(1)>)',
}


@pytest.mark.parametrize("allow_html", [False, True], ids=["escaped", "allow_html"])
def test_markdown_links_never_carry_script(make_site, allow_html):
    links = {k: v for k, v in MARKDOWN_ATTACKS.items() if not k.startswith(("raw", "inline"))}
    body = "\n\n".join(links.values())
    toml = "[site]\ntitle = 'T'\n" + ("allow_html = true\n" if allow_html else "")
    root = make_site(
        {
            "goalpath.toml": toml + "[analysis]\nas_of = 2026-06-30\n",
            GOAL: base(GOAL) + "\n" + body + "\n",
            PAGE: base(PAGE) + "\n" + body + "\n",
        }
    )
    build_ok(root)
    if allow_html:  # the author's raw HTML passes as written; links are still checked
        out = root / "build"
        for rel in ("goals/grow-sales/index.html", "about/index.html"):
            for tag, attrs in parse_page(out / rel).tags:
                for name, value in attrs.items():
                    if name in ("href", "src") and value:
                        assert _scheme(value) not in ("javascript", "vbscript", "file"), value
                        assert _scheme(value) != "data" or _allowed_data(tag, attrs, value)
        return
    assert_no_injection(root)


@pytest.mark.parametrize("attack", list(MARKDOWN_ATTACKS))
def test_markdown_attack_is_inert(make_site, attack):
    source = MARKDOWN_ATTACKS[attack]
    root = make_site({PAGE: base(PAGE) + "\n" + source + "\n"})
    build_ok(root)
    assert_no_injection(root)
    about = parse_page(root / "build/about/index.html")
    if attack.startswith(("raw", "inline")):  # shown as text, not dropped silently
        assert any("alert(1)" in t for t in about.texts), attack
    for tag, attrs in about.tags:
        assert not (tag == "img" and "onerror" in (attrs.get("src") or "")), attrs


# ---------------------------------------------------------------- JSON inside <script>


def test_line_separators_and_comment_openers_are_escaped_in_script_json(make_site):
    title = "Grow\u2028sales\u2029now <!-- </script> -->"
    unit = "k\u2028EUR <!--"
    files = _goal("title: Grow sales in the north by 10%", f"title: {q(title)}")
    files[GOAL] = replace_once(files[GOAL], "unit: k EUR", f"unit: {q(unit)}")
    root = make_site(files)
    build_ok(root)
    assert_no_injection(root)
    out = root / "build"
    specs = []
    for path in built_files(root):
        if path.suffix == ".html":
            specs += [
                json.dumps(json.loads(b)) for a, b in parse_page(path).scripts if "src" not in a
            ]
    # escaped, not stripped: the spec still carries the title as written
    assert any(json.dumps(title)[1:-1] in s for s in specs)
    index = (out / "search/index.js").read_text(encoding="utf-8")
    records = json.loads(index.split("=", 1)[1].strip().rstrip(";"))
    assert title in {r["title"] for r in records}


# ---------------------------------------------------------------- files outside the site


@pytest.mark.parametrize("theme", ["../outside", "..", "/etc", "a/b", "default/../../x"])
def test_theme_name_cannot_leave_the_site(make_site, theme):
    root = make_site({"goalpath.toml": f"[site]\ntheme = {q(theme)}\n"})
    errors = build_fails(root)
    assert any("site.theme" in e and "not a folder name" in e for e in errors), errors


@pytest.mark.parametrize("key", ["kpis", "learning", "skills"])
@pytest.mark.parametrize("form", ["relative", "absolute"])
def test_data_path_cannot_leave_the_site(make_site, tmp_path, key, form):
    outside = tmp_path / "outside" / f"{key}.csv"
    outside.parent.mkdir()
    outside.write_text(str(MINIMAL_SITE[f"data/{key}.csv"]).replace("L00", "LEARNER-SECRET-"))
    rel = "../outside/" + outside.name if form == "relative" else str(outside)
    root = make_site({"goalpath.toml": f"[data]\n{key} = {q(rel)}\n"})
    errors = build_fails(root)
    assert any(f"data.{key}" in e and "outside the site folder" in e for e in errors), errors


def test_data_file_symlinked_outside_is_not_read(make_site, tmp_path):
    outside = tmp_path / "learning.csv"
    outside.write_text(str(MINIMAL_SITE["data/learning.csv"]).replace("L00", "LEARNER-SECRET-"))
    root = make_site()
    (root / "data/learning.csv").unlink()
    (root / "data/learning.csv").symlink_to(outside)
    errors = build_fails(root)
    assert any("outside the site folder" in e for e in errors), errors


LEAKY_GOAL = """---
title: Leaked plan
owner: Someone
kpi: {metric: sales_per_rep, direction: increase, target: {value: 12, date: 2026-12-31}}
---
OUTSIDE-SECRET-42 from a private file.
"""


@pytest.mark.parametrize("rel", ["content/goals/leak.md", "content/pages/leak.md"])
def test_content_file_symlinked_outside_is_refused(make_site, tmp_path, rel):
    """Decision: a content file that resolves outside the site is an error, never read."""
    secret = tmp_path / "private.md"
    secret.write_text(LEAKY_GOAL)
    root = make_site()
    (root / rel).symlink_to(secret)
    errors = build_fails(root)
    assert any(rel in e and "outside the site folder" in e for e in errors), errors
    assert "OUTSIDE-SECRET-42" not in "\n".join(errors)


def test_content_folder_symlinked_outside_is_refused(make_site, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    (private / "leak.md").write_text(LEAKY_GOAL.replace("Leaked plan", "Leak"))
    root = make_site()
    for f in (root / "content/pages").iterdir():
        f.unlink()
    (root / "content/pages").rmdir()
    (root / "content/pages").symlink_to(private, target_is_directory=True)
    errors = build_fails(root)
    assert any("outside the site folder" in e for e in errors), errors


def test_content_symlink_inside_the_site_still_works(make_site):
    root = make_site({"notes/about.md": str(MINIMAL_SITE[PAGE]).replace("About", "Linked")})
    (root / "content/pages/linked.md").symlink_to(root / "notes/about.md")
    build_ok(root)
    assert "Linked" in (root / "build/linked/index.html").read_text(encoding="utf-8")


def test_theme_extends_cannot_leave_the_site(make_site, tmp_path):
    evil = tmp_path / "evil" / "templates"
    evil.mkdir(parents=True)
    (evil / "page.html").write_text(
        "{% extends '!default/page.html' %}{% block content %}EVIL-THEME{% endblock %}"
    )
    root = make_site(
        {
            "goalpath.toml": "[site]\ntheme = 'site'\n[analysis]\nas_of = 2026-06-30\n",
            "themes/site/theme.toml": 'extends = "../../evil"\n',
        }
    )
    result = SiteBuilder(root).build()
    assert not result.ok
    assert any(p.field == "extends" and "not a theme name" in p.message for p in result.problems)
    assert not (root / "build").exists()


def test_theme_static_symlinked_outside_is_not_copied(make_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("OUTSIDE-SECRET-43\n")
    root = make_site(
        {
            "goalpath.toml": "[site]\ntheme = 'site'\n[analysis]\nas_of = 2026-06-30\n",
            "themes/site/theme.toml": 'extends = "default"\n',
            "themes/site/static/ok.css": "body{}\n",
        }
    )
    (root / "themes/site/static/leak.txt").symlink_to(secret)
    result = SiteBuilder(root).build()
    assert not result.ok
    assert any("outside its theme's static/ folder" in p.message for p in result.problems)
    assert not (root / "build").exists()


@pytest.mark.parametrize("bad_id", ["../../evil", "a/b", "/etc/x", "..", "Evil", "a\\b"])
def test_content_id_must_be_a_slug(make_site, bad_id):
    root = make_site({PAGE: f"---\nid: {q(bad_id)}\ntitle: X\n---\nBody\n"})
    errors = build_fails(root)
    assert any("not a valid id" in e for e in errors), errors
    assert not (root.parent / "evil").exists()


@pytest.mark.parametrize(
    "rel", ["../x.html", "/abs.html", "a/../../x", "a\\..\\x", "a\x00b", "", "./a/.."]
)
def test_output_writer_refuses_escapes(tmp_path, rel):
    writer = OutputWriter(tmp_path / "out")
    with pytest.raises(UnsafeOutputPath):
        writer.write(rel, "x")
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


# ---------------------------------------------------------------- privacy


def test_no_learner_or_person_id_reaches_any_output_file(make_site):
    learning = str(MINIMAL_SITE["data/learning.csv"]).replace("L000", "LEARNER-SECRET-77")
    skills = [["person", "skill", "level", "team", "date"]]
    skills += [[f"PERSON-SECRET-{n}", "negotiation", "2", "reps", "2026-01-01"] for n in range(6)]
    root = make_site(
        {
            "data/learning.csv": learning,
            "data/skills.csv": csv_text(skills),
            **_goal(
                "target_groups: [reps]", "target_groups: [reps]\n        skills: {negotiation: 3}"
            ),
        }
    )
    build_ok(root)
    names = [p.relative_to(root / "build").as_posix() for p in built_files(root)]
    assert {"api/goals.json", "api/goals.csv", "search/index.js"} <= set(names)
    for path in built_files(root):
        data = path.read_bytes()
        for secret in (b"LEARNER-SECRET", b"PERSON-SECRET", b"L001", b"L007"):
            assert secret not in data, (path, secret)
    # the learner's records were used: the cohort's funnel counts all 8
    goals = json.loads((root / "build/api/goals.json").read_text(encoding="utf-8"))["goals"]
    grow = next(g for g in goals if g["id"] == "grow-sales")
    assert grow["learning"]["north"]["enrolled"] == 8


def _tiny_cohort_site(make_site):
    rows = csv_rows(str(MINIMAL_SITE["data/learning.csv"]))
    for n in range(3):
        who = f"T{n:03d}"
        rows.append(["2025-09-01", who, "intro", "enrolled", "selling", "tiny", "", ""])
        rows.append(["2025-09-02", who, "intro", "completed", "selling", "tiny", "", "40"])
        rows.append(["2025-09-20", who, "exam", "passed", "selling", "tiny", "97", "30"])
    return make_site(
        {
            "data/learning.csv": csv_text(rows),
            **_path(
                "- {id: south,",
                "- {id: tiny, name: Tiny team, start: 2025-09-01}\n          - {id: south,",
            ),
        }
    )


def test_cohort_below_min_group_size_shows_no_counts(make_site):
    root = _tiny_cohort_site(make_site)
    build_ok(root)
    out = root / "build"
    goals = json.loads((out / "api/goals.json").read_text(encoding="utf-8"))["goals"]
    grow = next(g for g in goals if g["id"] == "grow-sales")
    assert grow["learning"]["tiny"] == {"suppressed": True}
    assert grow["learning"]["north"]["enrolled"] == 8  # the large cohort is shown
    for path in built_files(root):
        if path.suffix == ".csv":
            assert "97" not in path.read_text(encoding="utf-8")
        if path.suffix != ".html":
            continue
        rel = path.relative_to(out).as_posix()
        text = path.read_text(encoding="utf-8")
        assert "97" not in re.sub(r"\d{4}-\d\d-\d\d|\d{3,}", "", text), rel  # its mean score
        page = parse_page(path)
        # table rows naming the cohort carry no number
        for row in re.findall(r"<tr>(?:(?!</tr>).)*Tiny team(?:(?!</tr>).)*</tr>", text, re.S):
            cells = re.sub(r"<[^>]+>", " ", row)
            # dates of the schedule come from the content; nothing else may be a number
            cells = re.sub(r"\d{4}-\d\d-\d\d|\b\d{1,2} [A-Z][a-z]{2} \d{4}\b|Week \d+", "", cells)
            assert not re.search(r"\d", cells), (rel, cells)
        # and no chart row of the cohort has a count or a rate
        for attrs, body in page.scripts:
            if "src" in attrs:
                continue
            for rows in json.loads(body).get("datasets", {}).values():
                for record in rows:
                    if "Tiny team" in record.values() or "tiny" in record.values():
                        for key in ("count", "share", "rate", "enrolled", "completed", "value"):
                            assert record.get(key) in (None, "–", ""), (rel, record)


def test_path_total_hidden_when_it_would_reveal_the_small_cohort(make_site):
    root = _tiny_cohort_site(make_site)
    build_ok(root)
    text = (root / "build/paths/selling/index.html").read_text(encoding="utf-8")
    foot = re.search(r"<tfoot>(.*?)</tfoot>", text, re.S)
    assert foot is not None
    assert "Hidden" in foot.group(1) and not re.search(r">\s*11\s*<", foot.group(1))


def test_skill_level_of_a_small_team_is_hidden(make_site):
    skills = [["person", "skill", "level", "team", "date"]]
    skills += [[f"p{n}", "negotiation", "2", "reps", "2026-01-01"] for n in range(6)]
    skills += [[f"s{n}", "negotiation", "4", "tinyteam", "2026-01-01"] for n in range(3)]
    root = make_site(
        {
            "data/skills.csv": csv_text(skills),
            **_goal(
                "target_groups: [reps]",
                "target_groups: [reps, tinyteam]\n        skills: {negotiation: 3}",
            ),
        }
    )
    build_ok(root)
    for path in built_files(root):
        if path.suffix not in (".html", ".json", ".csv", ".js") or "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        # mean level 4, gap −1 (as whole numbers: 14.086 is another figure)
        assert not re.search(r"(?<![\d.])(4\.0|−1\.0)(?!\d)", text), path
        if path.suffix == ".html":
            for attrs, body in parse_page(path).scripts:
                if "src" in attrs:
                    continue
                for rows in json.loads(body).get("datasets", {}).values():
                    for record in rows:
                        if record.get("group") == "tinyteam":
                            assert record.get("current") is None, record
    skills_page = (root / "build/skills/index.html").read_text(encoding="utf-8")
    assert "tinyteam" in skills_page and "hidden" in skills_page


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_csv_text_cells_cannot_be_spreadsheet_formulas(make_site, lead):
    formula = f'{lead}HYPERLINK("http://evil.example/","click")'
    goal = "content/goals/grow-sales.md"
    text = str(MINIMAL_SITE[goal]).replace("owner: Head of Sales", f"owner: '{formula}'")
    root = make_site({goal: text})
    build_ok(root)
    rows = list(csv.DictReader(io.StringIO((root / "build/api/goals.csv").read_text())))
    owners = [r["owner"] for r in rows if r["id"] == "grow-sales"]
    assert owners == ["'" + formula]
    # The JSON keeps the author's text as written.
    data = json.loads((root / "build/api/goals.json").read_text())
    assert [g["owner"] for g in data["goals"] if g["id"] == "grow-sales"] == [formula]
