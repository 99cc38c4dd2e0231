"""generator/data from files: CSV and Parquet, exact problems, fallbacks, fingerprints."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from generator.data import MAX_PER_COLUMN, Dataset, load_dataset
from generator.data.schema import TABLES
from generator.errors import Problems
from generator.load.config import DataConfig

KPIS_CSV = (
    "date,metric,value,group\n"
    "2026-01-05,sales,10.5,north\n"
    "2026-01-06,sales,11,\n"
    "2026-02-01,errors,3,south\n"
)
LEARNING_CSV = (
    "date,learner,activity,verb,path,cohort,score,duration_min\n"
    "2026-01-05,L1,intro,Enrolled,selling,north,,\n"
    "2026-01-06,L1,intro,completed,selling,north,,45\n"
    "2026-01-20,L1,exam,passed,selling,north,85,30\n"
    "2026-01-20,L2,exam,failed,,,40.5,\n"
)
SKILLS_CSV = "person,skill,level,team,date\nP1,negotiation,3,north,2026-01-01\nP2,negotiation,0,,\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8", newline="")
    return root


def load(root: Path, config: DataConfig | None = None) -> tuple[Dataset, list[str]]:
    problems = Problems()
    data = load_dataset(root, config or DataConfig(), problems)
    return data, [p.format() for p in problems]


def assert_dtypes(frame: pd.DataFrame, table: str) -> None:
    spec = TABLES[table]
    assert list(frame.columns) == list(spec.names)
    for column in spec.columns:
        assert str(frame[column.name].dtype) == column.dtype, column.name


def test_valid_csv_loads_typed_frames(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "data/kpis.csv": KPIS_CSV,
            "data/learning.csv": LEARNING_CSV,
            "data/skills.csv": SKILLS_CSV,
        },
    )
    data, problems = load(root)
    assert problems == []
    for table in TABLES:
        assert_dtypes(getattr(data, table), table)
    assert data.kpis["value"].tolist() == [10.5, 11.0, 3.0]
    assert data.kpis["group"].tolist() == ["north", "", "south"]
    assert data.kpis["date"].tolist()[0] == pd.Timestamp("2026-01-05")
    assert data.learning["verb"].tolist() == ["enrolled", "completed", "passed", "failed"]
    assert data.learning["path"].tolist()[3] == ""
    assert data.learning["score"].isna().tolist() == [True, True, False, False]
    assert data.skills["level"].tolist() == [3, 0]
    assert pd.isna(data.skills["date"].iloc[1])
    assert data.sources == {
        "kpis": "data/kpis.csv",
        "learning": "data/learning.csv",
        "skills": "data/skills.csv",
    }


@pytest.mark.parametrize("typed", [True, False], ids=["typed-parquet", "text-parquet"])
def test_csv_and_parquet_of_the_same_content_are_equal(tmp_path: Path, typed: bool) -> None:
    csv_root = write(
        tmp_path / "csv",
        {
            "data/kpis.csv": KPIS_CSV,
            "data/learning.csv": LEARNING_CSV,
            "data/skills.csv": SKILLS_CSV,
        },
    )
    pq_root = tmp_path / "parquet"
    (pq_root / "data").mkdir(parents=True)
    for table in TABLES:
        src = csv_root / "data" / f"{table}.csv"
        frame = pd.read_csv(src, keep_default_na=False, dtype=str)
        if typed:
            frame = pd.read_csv(src)  # dates as text, numbers as float/int, empties as NaN
            if "date" in frame:
                frame["date"] = pd.to_datetime(frame["date"])
        frame.to_parquet(pq_root / "data" / f"{table}.parquet", index=False)
    csv_data, csv_problems = load(csv_root)
    pq_data, pq_problems = load(pq_root)  # .csv configured, absent: .parquet is read
    assert csv_problems == pq_problems == []
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(csv_data, table), getattr(pq_data, table))
    assert pq_data.sources["kpis"] == "data/kpis.parquet"


def test_bad_cells_report_exact_file_line_field(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "data/kpis.csv": (
                "date,metric,value,group\n"
                "2026-01-01,sales,1,\n"
                "2026-01-02,sales,2,\n"
                "2026-13-01,sales,ten,north\n"
                "2026-01-04,,4,\n"
                '2026-01-05,sales,"3,5",\n'
            )
        },
    )
    data, problems = load(root)
    assert problems == [
        "data/kpis.csv:4: date: not a date: '2026-13-01' (use YYYY-MM-DD)",
        "data/kpis.csv:5: metric: missing value (every row needs a metric)",
        "data/kpis.csv:4: value: not a number: 'ten'",
        "data/kpis.csv:6: value: not a number: '3,5' (use a dot as the decimal separator: 3.5)",
    ]
    assert data.kpis["value"].tolist() == [1.0, 2.0]  # bad rows dropped
    assert_dtypes(data.kpis, "kpis")


def test_line_numbers_survive_blank_lines_quoted_newlines_and_crlf(tmp_path: Path) -> None:
    body = (
        "date,metric,value,group\r\n"
        "\r\n"
        '2026-01-01,"two\r\nline metric",1,\r\n'
        "2026-01-02,sales,2,\r\n"
        "\r\n"
        "2026-01-03,sales,x,\r\n"
    )
    data, problems = load(write(tmp_path, {"data/kpis.csv": body}))
    assert problems == ["data/kpis.csv:7: value: not a number: 'x'"]
    assert data.kpis["metric"].tolist() == ["two\r\nline metric", "sales"]


def test_learning_and_skills_checks(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "data/kpis.csv": KPIS_CSV,
            "data/learning.csv": (
                "date,learner,activity,verb,score,duration_min\n"
                "2026-01-01,L1,intro,COMPLETED,,\n"
                "2026-01-01,L1,intro,complete,,\n"
                "2026-01-01,L1,intro,watched,,\n"
                "2026-01-01,L1,exam,passed,101,\n"
                "2026-01-01,,exam,passed,50,-5\n"
            ),
            "data/skills.csv": (
                "person,skill,level\nP1,a,2.5\nP1,b,6\nP1,c,-1\nP1,d,five\nP1,e,4.0\n"
            ),
        },
    )
    data, problems = load(root)
    allowed = "use one of enrolled, started, completed, passed, failed, reflected"
    assert problems == [
        "data/learning.csv:6: learner: missing value (every row needs a learner)",
        f"data/learning.csv:3: verb: unknown verb 'complete' (did you mean 'completed'? {allowed})",
        f"data/learning.csv:4: verb: unknown verb 'watched' ({allowed})",
        "data/learning.csv:5: score: must be between 0 and 100, got 101",
        "data/learning.csv:6: duration_min: must be 0 or more, got -5",
        "data/skills.csv:2: level: not a whole number: '2.5' (levels are 0, 1, 2, 3, 4 or 5)",
        "data/skills.csv:3: level: must be between 0 and 5, got 6",
        "data/skills.csv:4: level: must be between 0 and 5, got -1",
        "data/skills.csv:5: level: not a number: 'five'",
    ]
    assert data.learning["verb"].tolist() == ["completed"]
    assert data.skills["skill"].tolist() == ["e"]
    assert data.skills["level"].tolist() == [4]
    assert_dtypes(data.skills, "skills")


def test_problems_are_capped_per_file_and_column(tmp_path: Path) -> None:
    rows = "".join(f"2026-01-01,m,bad{i},\n" for i in range(MAX_PER_COLUMN + 7))
    rows += "".join("x,m,1,\n" for _ in range(3))
    data, problems = load(write(tmp_path, {"data/kpis.csv": "date,metric,value,group\n" + rows}))
    values = [p for p in problems if ": value: " in p]
    assert len(values) == MAX_PER_COLUMN + 1
    assert values[0] == "data/kpis.csv:2: value: not a number: 'bad0'"
    assert (
        values[MAX_PER_COLUMN - 1]
        == f"data/kpis.csv:{MAX_PER_COLUMN + 1}: value: not a number: 'bad{MAX_PER_COLUMN - 1}'"
    )
    assert values[-1] == "data/kpis.csv: value: … and 7 more rows"
    assert len([p for p in problems if ": date: " in p]) == 3  # under the cap: no summary
    assert data.kpis.empty


def test_missing_required_column_is_an_error_and_extra_columns_warn(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "data/kpis.csv": "date,metric,Value\n2026-01-01,sales,3\n",
            "data/learning.csv": "date,learner,activity,verb,note\n",
            "data/skills.csv": "person,skill,level,levl,notes\nP1,a,3,1,x\n",
        },
    )
    data, problems = load(root)
    assert problems == [
        "data/kpis.csv:1: value: missing required column "
        "(did you mean 'Value'? columns found: date, metric, Value)",
        "data/kpis.csv:1: warning: Value: unknown column is ignored (did you mean 'value'?)",
        "data/learning.csv:1: warning: note: unknown column is ignored "
        "(known columns: date, learner, activity, verb, path, cohort, score, duration_min)",
        "data/skills.csv:1: warning: levl: unknown column is ignored "
        "(known columns: person, skill, level, team, date)",
        "data/skills.csv:1: warning: notes: unknown column is ignored "
        "(known columns: person, skill, level, team, date)",
    ]
    assert data.kpis.empty
    assert_dtypes(data.kpis, "kpis")
    assert list(data.skills.columns) == ["person", "skill", "level", "team", "date"]
    assert data.skills["level"].tolist() == [3]


EXCEL_NOTE = (
    "data/kpis.csv:1: warning: read as semicolon-separated values with decimal commas, as "
    'Excel saves CSV in many locales (to say so and silence this, set csv_separator = ";" '
    'and csv_decimal = "," under [data] in goalpath.toml; or save the file as \'CSV UTF-8 '
    "(Comma delimited)')"
)


def test_a_semicolon_file_with_decimal_commas_reads_like_the_comma_file(tmp_path: Path) -> None:
    excel = (
        "date;metric;value;group\r\n"
        "2026-01-05;sales;10,5;north\r\n"
        "2026-01-06;sales;1.234,25;\r\n"  # a dot between thousands
        "2026-02-01;errors;3;south\r\n"
    )
    data, problems = load(write(tmp_path / "excel", {"data/kpis.csv": excel}))
    assert problems == [EXCEL_NOTE]  # one note for the file, not one per row
    plain = KPIS_CSV.replace(",11,", ",1234.25,")
    want, none = load(write(tmp_path / "plain", {"data/kpis.csv": plain}))
    assert none == []
    pd.testing.assert_frame_equal(data.kpis, want.kpis)
    assert data.kpis["value"].tolist() == [10.5, 1234.25, 3.0]


def test_tab_separated_and_configured_separators(tmp_path: Path) -> None:
    tabs = "date\tmetric\tvalue\tgroup\n2026-01-05\tsales\t10.5\tnorth\n"
    data, problems = load(write(tmp_path / "tabs", {"data/kpis.csv": tabs}))
    assert data.kpis["value"].tolist() == [10.5]
    assert problems == [
        "data/kpis.csv:1: warning: read as tab-separated values, as Excel saves CSV in many "
        'locales (to say so and silence this, set csv_separator = "tab" under [data] in '
        "goalpath.toml; or save the file as 'CSV UTF-8 (Comma delimited)')"
    ]
    # Said in the config: no note, and a comma file beside it still reads.
    root = write(
        tmp_path / "said",
        {
            "data/kpis.csv": "date;metric;value;group\n2026-01-05;sales;10,5;north\n",
            "data/learning.csv": LEARNING_CSV,
        },
    )
    data, problems = load(root, DataConfig(csv_separator=";", csv_decimal=","))
    assert problems == []
    assert data.kpis["value"].tolist() == [10.5] and len(data.learning) == 4


def test_a_file_that_cannot_be_read_is_not_followed_by_misleading_problems(make_site) -> None:
    from tests.test_cli import run

    root = make_site({"data/kpis.csv": "when|what|amount\n2026-01-01|a|1\n"})
    code, out, _ = run("check", "--site", str(root), "--format", "json")
    import json

    problems = json.loads(out)
    assert code == 1
    assert {p["file"] for p in problems} == {"data/kpis.csv"}  # no "unknown group 'south'"
    assert [p["field"] for p in problems if p["severity"] == "error"] == [
        "date",
        "metric",
        "value",
    ]


def test_csv_settings_are_checked(make_site) -> None:
    from tests.test_cli import run

    root = make_site(
        {
            "goalpath.toml": """
                [data]
                csv_separator = "|"
                csv_decimal = ";"
            """
        }
    )
    code, _, err = run("check", "--site", str(root))
    assert code == 1
    assert "goalpath.toml:2: data.csv_separator: unknown separator '|'" in err
    assert "goalpath.toml:3: data.csv_decimal: unknown decimal mark ';'" in err


def test_rows_with_the_wrong_number_of_fields(tmp_path: Path) -> None:
    body = "date,metric,value,group\n2026-01-01,a,1,\n2026-01-02,a,1,x,y\n2026-01-03,a,7,\n"
    data, problems = load(write(tmp_path, {"data/kpis.csv": body}))
    assert problems == [
        "data/kpis.csv:3: expected 4 fields, found 5 (put quotes around values that contain "
        'commas: "Smith, Jane")'
    ]
    assert data.kpis["value"].tolist() == [1.0, 7.0]


def test_missing_files_give_empty_typed_frames_and_one_warning(tmp_path: Path) -> None:
    data, problems = load(tmp_path)
    assert problems == [
        "data/kpis.csv: warning: no KPI data found; goals will show 'no data' "
        "(add the file (columns date, metric, value, group) or a [sources.kpis] entry)"
    ]
    for table in TABLES:
        frame = getattr(data, table)
        assert frame.empty
        assert_dtypes(frame, table)
    assert data.sources == {"kpis": "", "learning": "", "skills": ""}


def test_header_only_file_is_no_data_without_a_warning(tmp_path: Path) -> None:
    data, problems = load(write(tmp_path, {"data/kpis.csv": "date,metric,value,group\n"}))
    assert [p for p in problems if "kpis" in p] == []
    assert data.kpis.empty
    assert_dtypes(data.kpis, "kpis")


def test_path_outside_the_site_is_refused_and_not_read(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(tmp_path, {"secret.csv": "date,metric,value\nnot,read,at all\n"})
    (root / "data").mkdir(parents=True)
    (root / "data" / "learning.csv").symlink_to(tmp_path / "secret.csv")
    data, problems = load(root, DataConfig(kpis="../secret.csv"))
    assert problems == [
        "goalpath.toml: data.kpis: '../secret.csv' points outside the site folder "
        "(use a path under data/)",
        "goalpath.toml: data.learning: 'data/learning.csv' points outside the site folder "
        "(use a path under data/)",
    ]
    assert data.kpis.empty and data.learning.empty
    assert data.sources["kpis"] == data.sources["learning"] == ""


def test_outside_path_already_reported_by_config_is_not_repeated(tmp_path: Path) -> None:
    problems = Problems()
    problems.error(
        "goalpath.toml", "'../x.csv' points outside the site folder", line=3, field="data.kpis"
    )
    load_dataset(tmp_path, DataConfig(kpis="../x.csv"), problems)
    assert len([p for p in problems if p.field == "data.kpis"]) == 1


def test_not_utf8_is_one_error_with_its_line(tmp_path: Path) -> None:
    body = "date,metric,value,group\n2026-01-01,a,1,\n2026-01-02,caf\xe9,2,\n".encode("latin-1")
    data, problems = load(write(tmp_path, {"data/kpis.csv": body}))
    assert problems == [
        "data/kpis.csv:3: cannot read the file: not UTF-8 text (byte 0xe9) "
        "(save it as UTF-8, e.g. 'CSV UTF-8' in Excel)"
    ]
    assert data.kpis.empty
    assert data.sources["kpis"] == "data/kpis.csv"


def test_utf8_bom_and_iso_timestamps_are_accepted(tmp_path: Path) -> None:
    body = "\ufeffdate,metric,value\n2026-01-05T23:30:00-05:00,a,1\n2026-01-06 08:00,a,2\n"
    data, problems = load(write(tmp_path, {"data/kpis.csv": body}))
    assert problems == []
    assert data.kpis["date"].tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06")]


def test_unreadable_file_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "data" / "kpis.csv").mkdir(parents=True)
    data, problems = load(tmp_path)
    assert problems == [
        "data/kpis.csv: cannot read the file: Is a directory (check that it is a file you may read)"
    ]
    assert data.kpis.empty


def test_invalid_parquet_is_one_error(tmp_path: Path) -> None:
    data, problems = load(write(tmp_path, {"data/kpis.parquet": b"PAR1 not really"}))
    assert len(problems) == 1
    assert problems[0].startswith(
        "data/kpis.parquet: cannot read the file: not a valid Parquet file ("
    )
    assert data.kpis.empty
    assert_dtypes(data.kpis, "kpis")


def test_parquet_problems_name_the_row(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    pd.DataFrame(
        {"date": ["2026-01-01", "2026-02-30"], "metric": ["a", "a"], "value": ["1", "ten"]}
    ).to_parquet(tmp_path / "data" / "kpis.parquet")
    _, problems = load(tmp_path)
    assert problems == [
        "data/kpis.parquet: date: row 2: not a date: '2026-02-30' (use YYYY-MM-DD)",
        "data/kpis.parquet: value: row 2: not a number: 'ten'",
    ]


def test_configured_parquet_falls_back_to_csv(tmp_path: Path) -> None:
    root = write(tmp_path, {"data/kpis.csv": KPIS_CSV})
    data, problems = load(root, DataConfig(kpis="data/kpis.parquet"))
    assert problems == []
    assert data.sources["kpis"] == "data/kpis.csv"
    assert len(data.kpis) == 3


def test_unsupported_suffix(tmp_path: Path) -> None:
    _, problems = load(write(tmp_path, {"data/k.xlsx": b"x"}), DataConfig(kpis="data/k.xlsx"))
    assert problems == ["data/k.xlsx: unsupported file type '.xlsx' (use a .csv or .parquet file)"]


def test_fingerprint_follows_the_bytes(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"data/kpis.csv": KPIS_CSV, "data/skills.csv": SKILLS_CSV})
    b = write(tmp_path / "b", {"data/kpis.csv": KPIS_CSV, "data/skills.csv": SKILLS_CSV})
    fa, fb = load(a)[0].fingerprint, load(b)[0].fingerprint
    assert fa == fb and len(fa) == 64
    (b / "data" / "skills.csv").write_text(SKILLS_CSV.replace(",3,", ",4,"), encoding="utf-8")
    assert load(b)[0].fingerprint != fa
    os.remove(b / "data" / "skills.csv")
    assert load(b)[0].fingerprint != fa


@pytest.mark.parametrize(
    ("cell", "value"),
    [("+3", 3.0), (".5", 0.5), ("1e3", 1000.0), (" 7 ", 7.0), ("-0.25", -0.25)],
)
def test_numbers_accepted(tmp_path: Path, cell: str, value: float) -> None:
    data, problems = load(
        write(tmp_path, {"data/kpis.csv": f"date,metric,value\n2026-01-01,a,{cell}\n"})
    )
    assert problems == []
    assert data.kpis["value"].tolist() == [value]


@pytest.mark.parametrize("cell", ["1_000", "0x10", "\uff11", "1e999", "nan", "inf", "1.2.3"])
def test_numbers_rejected_the_same_way_in_any_file(tmp_path: Path, cell: str) -> None:
    body = f"date,metric,value\n2026-01-01,a,1\n2026-01-02,a,{cell}\n"
    data, problems = load(write(tmp_path, {"data/kpis.csv": body}))
    assert problems == [f"data/kpis.csv:3: value: not a number: {cell!r}"]
    assert data.kpis["value"].tolist() == [1.0]
