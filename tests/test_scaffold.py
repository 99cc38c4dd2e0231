"""``goalpath new`` and ``goalpath init``: commented templates, slug ids, never overwrite,
and a new site that checks and builds."""

from __future__ import annotations

import contextlib
import io
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.commands.scaffold import init_site, new_content
from generator.errors import GoalpathError
from generator.text import slugify


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return code, err.getvalue()


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Reduce onboarding time", "reduce-onboarding-time"),
        ("  Cut errors by 10% (2027)!  ", "cut-errors-by-10-2027"),
        ("Réduire le délai d'accueil", "reduire-le-delai-d-accueil"),
        ("Größere Kundenzufriedenheit", "groere-kundenzufriedenheit"),
        ("改善", ""),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_new_goal_writes_a_commented_template_with_a_slug_id(
    make_site: Callable[..., Path],
) -> None:
    root = make_site()
    code, err = run("new", "goal", "Reduce onboarding time", "--site", str(root))
    assert code == 0, err
    path = root / "content/goals/reduce-onboarding-time.md"
    assert "created " in err and str(path) in err
    text = path.read_text(encoding="utf-8")
    assert text.count("#") >= 10  # explained field by field
    meta = front_matter(path)
    assert meta["title"] == "Reduce onboarding time"
    assert meta["kpi"]["metric"] == "reduce_onboarding_time"  # type: ignore[index]
    # the new goal is valid: only the warning that its metric has no data yet
    code, err = run("check", "--site", str(root))
    assert code == 0, err
    assert "reduce-onboarding-time.md" in err and "warning" in err


def test_new_path_and_page_are_valid(make_site: Callable[..., Path]) -> None:
    root = make_site()
    assert run("new", "path", "Buddy programme", "--site", str(root))[0] == 0
    assert run("new", "page", "How we measure", "--site", str(root))[0] == 0
    path = root / "content/paths/buddy-programme.md"
    assert front_matter(path)["title"] == "Buddy programme"
    assert "#" in path.read_text(encoding="utf-8")
    assert (root / "content/pages/how-we-measure.md").is_file()
    code, err = run("check", "--site", str(root))
    assert code == 0, err


def test_new_refuses_to_overwrite(make_site: Callable[..., Path]) -> None:
    root = make_site()
    target = root / "content/goals/grow-sales.md"
    before = target.read_bytes()
    code, err = run("new", "goal", "Grow sales", "--site", str(root), "--id", "grow-sales")
    assert code == 1
    assert "content/goals/grow-sales.md: already exists; not overwritten" in err
    assert "Traceback" not in err
    assert target.read_bytes() == before


def test_new_title_with_quotes_and_colons_stays_valid_yaml(make_site: Callable[..., Path]) -> None:
    root = make_site()
    title = 'Say "no": fewer #errors \\ backslash'
    path = new_content(root, "goal", title)
    assert front_matter(path)["title"] == title


@pytest.mark.parametrize("ident", ["Bad Id", "../escape", "a/b"])
def test_new_rejects_ids_that_are_not_slugs(make_site: Callable[..., Path], ident: str) -> None:
    root = make_site()
    code, err = run("new", "goal", "Fine title", "--site", str(root), "--id", ident)
    assert code == 1
    assert "id: cannot make an id from" in err
    assert not (root / "escape.md").exists()


def test_new_refuses_a_title_without_a_slug(make_site: Callable[..., Path]) -> None:
    code, err = run("new", "goal", "改善", "--site", str(make_site()))
    assert code == 1
    assert "pass --id" in err


def test_new_outside_a_site_says_so(tmp_path: Path) -> None:
    code, err = run("new", "goal", "Anything", "--site", str(tmp_path))
    assert code == 1
    assert "not a goalpath site" in err and "goalpath init" in err
    assert list(tmp_path.iterdir()) == []


def test_init_creates_a_site_that_checks_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "new-site"
    code, err = run("init", str(target), "--title", 'Our "goals" \\ Ünïcode')
    assert code == 0, err
    assert f"cd {target} && goalpath serve" in err
    config = tomllib.loads((target / "goalpath.toml").read_text(encoding="utf-8"))
    assert config["site"]["title"] == 'Our "goals" \\ Ünïcode'
    assert config["site"]["theme"] == "site"
    assert (target / "themes/site/theme.toml").read_text() == 'extends = "default"\n'
    goal = front_matter(target / "content/goals/reduce-onboarding-time.md")
    assert goal["learning_paths"] == ["onboarding-buddies"]
    assert front_matter(target / "content/paths/onboarding-buddies.md")["goals"] == [
        "reduce-onboarding-time"
    ]
    for name in ("kpis", "learning", "skills"):
        assert len((target / f"data/{name}.csv").read_text().splitlines()) > 2

    code, err = run("check", "--site", str(target))
    assert (code, err) == (0, "no problems\n")
    code, err = run("build", "--site", str(target))
    assert code == 0, err
    built = target / "build"
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "Our &#34;goals&#34; \\ Ünïcode" in home
    assert "custom.css" in home  # the child theme is in use
    assert (built / "assets/custom.css").is_file()
    assert (built / "goals/reduce-onboarding-time/index.html").is_file()
    assert (built / "paths/onboarding-buddies/index.html").is_file()
    # the example goal has data: it is not shown as "no data"
    page = (built / "goals/reduce-onboarding-time/index.html").read_text(encoding="utf-8")
    assert "No data" not in page


def test_init_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    (tmp_path / "a-file").write_text("x")
    for target in (tmp_path / "used", tmp_path / "a-file"):
        with pytest.raises(GoalpathError) as info:
            init_site(target)
        assert "exists and is not an empty folder" in info.value.problems[0].message
    assert (tmp_path / "used" / "keep.txt").read_text() == "mine"
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["keep.txt"]


def test_init_into_an_existing_empty_folder_works(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    created = init_site(tmp_path / "empty", title="T")
    assert tmp_path / "empty" / "goalpath.toml" in created
    assert all(p.is_file() for p in created)


def test_a_bad_id_is_told_the_slug_new_would_write(make_site) -> None:
    """One slug rule: the validation hint and `goalpath new` agree ("Réduire" → reduire)."""
    from tests.test_cli import run

    root = make_site(
        {
            "content/goals/bad.md": """
                ---
                id: "Réduire l'attente"
                title: Réduire l'attente
                owner: COO
                kpi:
                  metric: wait
                  direction: decrease
                  target: {value: 1, date: 2027-01-01}
                  data_from: 2027-01-01
                ---
            """
        }
    )
    code, _, err = run("check", "--site", str(root))
    assert code == 1
    assert "e.g. 'reduire-l-attente'" in err  # it said 'r-duire-l-attente'
    assert slugify("Réduire l'attente") == "reduire-l-attente"
