"""Infinite and not-a-number values are refused where they enter, with file, line and
field: front-matter (.inf, .nan, 1e400), goalpath.toml (inf, nan) and data files."""

from __future__ import annotations

import pytest

from tests.sitekit import MINIMAL_SITE
from tests.test_cli import run


@pytest.mark.parametrize("written", [".inf", "-.inf", ".nan", "1e400", "-1e999"])
def test_a_front_matter_number_must_be_finite(make_site, written: str) -> None:
    goal = str(MINIMAL_SITE["content/goals/grow-sales.md"])
    assert "baseline: {value: 10," in goal
    root = make_site(
        {
            "content/goals/grow-sales.md": goal.replace(
                "baseline: {value: 10,", f"baseline: {{value: {written},"
            )
        }
    )
    code, _, err = run("check", "--site", str(root))
    assert code == 1
    line = next(line for line in err.splitlines() if "kpi.baseline.value" in line)
    assert line.startswith("content/goals/grow-sales.md:")
    assert "must be a finite number" in line and "Traceback" not in err


@pytest.mark.parametrize("written", ["inf", "-inf", "nan"])
def test_a_config_number_must_be_finite(make_site, written: str) -> None:
    config = str(MINIMAL_SITE["goalpath.toml"])
    assert "[analysis]" in config
    root = make_site(
        {"goalpath.toml": config.replace("[analysis]", f"[analysis]\non_track = {written}")}
    )
    code, _, err = run("check", "--site", str(root))
    assert code == 1
    assert "goalpath.toml:" in err and "analysis.on_track: must be a finite number" in err


@pytest.mark.parametrize("written", ["inf", "nan", "1e400", "-Infinity"])
def test_a_data_value_must_be_finite(make_site, written: str) -> None:
    rows = str(MINIMAL_SITE["data/kpis.csv"]).splitlines()
    date, metric, _, group = rows[1].split(",")
    rows[1] = ",".join([date, metric, written, group])
    root = make_site({"data/kpis.csv": "\n".join(rows) + "\n"})
    code, _, err = run("check", "--site", str(root))
    assert code == 1
    assert f"data/kpis.csv:2: value: not a number: '{written}'" in err
