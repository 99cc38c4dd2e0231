"""The command line: exit codes, message format, and no traceback for any user error."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_help_from_the_installed_command_and_python_m():
    for cmd in (["goalpath", "--help"], [sys.executable, "-m", "generator", "--help"]):
        exe = Path(sys.executable).with_name("goalpath") if cmd[0] == "goalpath" else None
        argv = [str(exe), *cmd[1:]] if exe else cmd
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        for word in ("build", "check", "serve", "new", "init", "pdf"):
            assert word in done.stdout


def test_no_command_prints_help_and_exits_2():
    code, _, err = run()
    assert code == 2
    assert "usage: goalpath" in err


def test_missing_site_folder_is_a_usage_error(tmp_path):
    code, _, err = run("check", "--site", str(tmp_path / "nope"))
    assert code == 2
    assert "does not exist" in err


def test_check_valid_site_exits_0_and_writes_nothing(make_site):
    root = make_site()
    code, _, err = run("check", "--site", str(root))
    assert code == 0, err
    assert not (root / "build").exists()


def test_check_reports_every_problem_as_json(make_site):
    root = make_site(
        {
            "content/goals/bad.md": """
                ---
                title: Bad
                owner: X
                kpi:
                  metric: sales_per_rep
                  direction: increase
                  target: {value: 12, date: 2026-02-30}
                ownr: typo
                ---
            """,
            "content/goals/ref.md": """
                ---
                title: Ref
                owner: Y
                kpi:
                  metric: sales_per_rep
                  direction: increase
                  target: {value: 12, date: 2026-12-31}
                learning_paths: [nope]
                ---
            """,
        }
    )
    code, out, _ = run("check", "--site", str(root), "--format", "json")
    assert code == 1
    problems = json.loads(out)
    by_field = {p["field"]: p for p in problems}
    assert by_field["kpi.target.date"]["line"] == 7
    assert by_field["kpi.target.date"]["file"] == "content/goals/bad.md"
    assert by_field["learning_paths[0]"]["severity"] == "error"
    assert by_field["learning_paths[0]"]["file"] == "content/goals/ref.md"
    assert by_field["ownr"]["severity"] == "warning"
    assert "did you mean 'owner'" in json.dumps(by_field["ownr"])


def test_strict_turns_warnings_into_failure(make_site):
    root = make_site(
        {
            "content/pages/extra.md": """
                ---
                title: Extra
                ordr: 2
                ---
                Text.
            """
        }
    )
    assert run("check", "--site", str(root))[0] == 0
    assert run("check", "--site", str(root), "--strict")[0] == 1
    assert run("build", "--site", str(root), "--strict", "-q")[0] == 1
    assert not (root / "build").exists()


GOAL = """
    ---
    title: Grow sales in the north by 10%
    owner: Head of Sales
    kpi:
      metric: sales_per_rep
      direction: increase
      baseline: {value: 10, date: 2025-06-30}
      target: {value: 12, date: 2026-12-31}
    learning_paths: [selling]
    ---
"""


@pytest.mark.parametrize(
    ("files", "expect"),
    [
        ({"content/goals/grow-sales.md": "---\ntitle: [unclosed\n---\n"}, "grow-sales.md:2"),
        (
            {"content/goals/grow-sales.md": GOAL.replace("owner: Head of Sales", "owner: [1, 2]")},
            "owner",
        ),
        ({"content/goals/grow-sales.md": GOAL.replace("[selling]", "[sellin]")}, "sellin"),
        ({"content/goals/grow-sales.md": GOAL.replace("2026-12-31", "31.12.2026")}, "date"),
        (
            {"content/goals/copy.md": GOAL.replace("    title:", "    id: grow-sales\n    title:")},
            "duplicate",
        ),
        ({"data/kpis.csv": "date,metric,grp\n2025-01-01,sales_per_rep,north\n"}, "value"),
        ({"data/kpis.csv": "date,metric,value,group\n2025-01-01,sales_per_rep,lots,\n"}, "lots"),
        ({"data/kpis.csv": "date,metric,value,group\nyesterday,sales_per_rep,1,\n"}, "yesterday"),
        ({"data/learning.csv": b"\xff\xfe\x00garbage\x00\n"}, "learning.csv"),
        ({"content/goals/grow-sales.md": b"---\ntitle: caf\xe9\n---\n"}, "UTF-8"),
        ({"goalpath.toml": "[site\ntitle = 1\n"}, "goalpath.toml:1"),
        ({"goalpath.toml": "[analysis]\nperiod = 'fortnight'\n"}, "period"),
    ],
    ids=[
        "bad-yaml",
        "wrong-type",
        "unknown-id",
        "bad-date",
        "duplicate-id",
        "missing-column",
        "non-numeric",
        "unparsable-data-date",
        "binary-csv",
        "non-utf8",
        "bad-toml",
        "bad-choice",
    ],
)
def test_user_errors_are_one_clear_message_not_a_traceback(make_site, files, expect):
    root = make_site(files)
    code, _, err = run("build", "--site", str(root), "-q")
    assert code == 1
    assert "Traceback" not in err
    assert expect in err
    assert "error" in err
    assert not (root / "build").exists()
    first = err.splitlines()[0]
    assert ":" in first and ("content/" in first or "data/" in first or "goalpath.toml" in first)


def test_unreadable_file_is_reported(make_site):
    root = make_site()
    target = root / "content/goals/locked.md"
    target.mkdir()  # a folder where a file is expected: unreadable even as root
    (target / "x").write_text("x")
    code, _, err = run("build", "--site", str(root), "-q")
    assert code == 1, err
    assert "locked.md" in err
    assert "Traceback" not in err


def test_build_output_is_quiet_when_not_a_tty(make_site):
    root = make_site()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "Rendering [" not in done.stderr
    files = [p for p in (root / "build").rglob("*") if p.is_file()]
    # The summary line counts what was written (the marker file is not a page output).
    lines = done.stderr.splitlines()
    assert any(line.startswith(f"built {len(files) - 1} files") for line in lines), done.stderr


def test_the_same_warning_in_many_files_is_summarised(make_site, capsys) -> None:
    """A thousand alike warnings must not bury the rest: three in full, one line for
    the others; ``check --format json`` still lists each."""
    pages = {
        f"content/pages/p{i:02d}.md": f"---\ntitle: Page {i}\nsubtitle: x\n---\nText.\n"
        for i in range(10)
    }
    root = make_site(pages)
    assert main(["check", "--site", str(root)]) == 0
    err = capsys.readouterr().err.splitlines()
    alike = [line for line in err if "subtitle" in line]
    assert len(alike) == 4, err
    assert all(line.startswith(f"content/pages/p0{i}.md:3") for i, line in enumerate(alike[:3]))
    assert alike[3].startswith("warning: the same in 7 more places: subtitle: ")
    assert alike[3].endswith("(first: content/pages/p00.md:3)")
    assert err[-1] == "10 warnings"
    assert main(["check", "--site", str(root), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sum(p["field"] == "subtitle" for p in listed) == 10


def test_a_check_with_nothing_changed_repeats_the_last_result_without_loading(make_site):
    """The second check of unchanged inputs prints the same (no pandas imported); any
    edit checks again; a damaged record is not trusted."""
    root = make_site(
        {
            "content/goals/typo.md": """
                ---
                title: Typo
                owner: X
                kpi:
                  metric: sales_per_rep
                  direction: increase
                  target: {value: 12, date: 2026-12-31}
                ownr: typo
                ---
            """
        }
    )
    first = run("check", "--site", str(root))
    assert first[0] == 0 and "ownr" in first[2]
    assert (root / ".goalpath-cache" / "check.json").is_file()
    code = (
        "import sys; from generator.cli import main;"
        f"c = main(['check', '--site', {str(root)!r}]);"
        "print(c, 'pandas' in sys.modules, file=sys.stdout)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["0", "False"], done.stderr[-2000:]
    assert done.stderr == first[2]
    assert run("check", "--site", str(root), "--strict")[0] == 1  # the warning still counts
    as_json = json.loads(run("check", "--site", str(root), "--format", "json")[1])
    assert [p["field"] for p in as_json] == ["ownr"]

    goal = root / "content/goals/typo.md"
    goal.write_text(goal.read_text(encoding="utf-8").replace("ownr: typo\n", ""), "utf-8")
    code_, _, err = run("check", "--site", str(root))
    assert code_ == 0 and "ownr" not in err

    record = root / ".goalpath-cache" / "check.json"
    saved = json.loads(record.read_text(encoding="utf-8"))
    saved["problems"] = [{"file": "x", "nonsense": 1}]
    record.write_text(json.dumps(saved), encoding="utf-8")
    code_, _, err = run("check", "--site", str(root))
    assert code_ == 0 and "nonsense" not in err and "Traceback" not in err
