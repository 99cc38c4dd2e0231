"""Load ``goalpath.toml`` into a frozen :class:`SiteConfig`, reporting every bad key."""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problems
from ..text import did_you_mean
from .toml_lines import line_of, top_line

CONFIG_NAME = "goalpath.toml"
PERIODS = ("week", "month", "quarter")


@dataclass(frozen=True)
class SqlSource:
    """A table or query in a SQL database, read through SQLAlchemy."""

    url: str
    """SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/db``; ``${ENV}`` is expanded."""
    table: str | None = None
    """Table (or view) holding the tidy columns; or give ``query``."""
    query: str | None = None
    """A SELECT returning the tidy columns."""


CSV_SEPARATORS: dict[str, str | None] = {"auto": None, ",": ",", ";": ";", "tab": "\t", "\t": "\t"}
"""``data.csv_separator`` values → the separator (None: detect it)."""
CSV_DECIMALS: dict[str, str | None] = {"auto": None, ".": ".", ",": ","}
"""``data.csv_decimal`` values → the decimal mark (None: detect it)."""


@dataclass(frozen=True)
class DataConfig:
    """Where the KPI, learning and skills tables come from."""

    kpis: str = "data/kpis.csv"
    """KPI observations: date, metric, value, group. ``.parquet`` of the same stem also works."""
    learning: str = "data/learning.csv"
    """Learning records (flattened xAPI): date, learner, activity, verb, path, cohort, score."""
    skills: str = "data/skills.csv"
    """Skills inventory: person, skill, level, team, date."""
    sql: dict[str, SqlSource] = field(default_factory=dict)
    """Optional SQL sources by table (``kpis``, ``learning``, ``skills``): they replace files."""
    csv_separator: str = "auto"
    """CSV field separator: ``,``, ``;``, ``tab`` or ``auto`` (from the header line, with
    a warning when it is not a comma)."""
    xapi_path_extension: str = ""
    """xAPI: a context extension IRI whose value is the path id (default: the
    ``contextActivities`` ids that are path ids)."""
    xapi_cohort_extension: str = ""
    """xAPI: a context extension IRI whose value is the cohort id."""
    csv_decimal: str = "auto"
    """Decimal mark in CSV numbers: ``.``, ``,`` or ``auto`` (a comma in a file whose
    separator is not one, as Excel writes them in many locales)."""


@dataclass(frozen=True)
class SiteConfig:
    """Everything ``goalpath.toml`` can set; every field has a working default."""

    title: str = "Goals and learning"
    """Site title shown in the header and the browser tab."""
    base_url: str = ""
    """Prefix for links, e.g. ``/intranet/goals/``; empty = relative links (works from file://)."""
    theme: str = "default"
    """Theme folder name under ``themes/`` (the site's own, then the built-in one)."""
    language: str = "en"
    """``lang`` attribute of every page."""
    organisation: str = ""
    """Organisation name shown in the footer and reports."""
    allow_html: bool = False
    """Let raw HTML in author Markdown through. Off: it is shown as text (safe)."""
    period: str = "month"
    """Reporting period KPIs are aggregated to: week, month or quarter."""
    as_of: dt.date | None = None
    """Report date; default: the latest KPI observation."""
    stale_after: int = 3
    """A KPI with no observation in this many periods before ``as_of`` is stale."""
    on_track: float = 16.0
    """Points of progress a goal may lag its expected progress and still be on track."""
    at_risk: float = 33.0
    """Points of lag up to which a goal is at risk; more is off track."""
    min_group_size: int = 5
    """Privacy: learning and skills aggregates over fewer people are hidden."""
    review_period: str = ""
    """Cadence of the period reviews (``/reviews/<period>/``): week, month or quarter;
    empty = the reporting ``period``."""
    review_limit: int = 12
    """How many reviews to keep: the most recent periods with data."""
    data: DataConfig = field(default_factory=DataConfig)
    root: Path = Path(".")
    """The site folder (not from the file: where it was found)."""


_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "site": {
        "title": str,
        "base_url": str,
        "theme": str,
        "language": str,
        "organisation": str,
        "allow_html": bool,
    },
    "analysis": {
        "period": str,
        "as_of": dt.date,
        "stale_after": int,
        "on_track": (int, float),
        "at_risk": (int, float),
    },
    "privacy": {"min_group_size": int},
    "reviews": {"period": str, "limit": int},
    "data": {
        "kpis": str,
        "learning": str,
        "skills": str,
        "csv_separator": str,
        "csv_decimal": str,
        "xapi_path_extension": str,
        "xapi_cohort_extension": str,
    },
}
_TYPE_WORDS = {str: "text", bool: "true or false", int: "a whole number", dt.date: "a date"}


_HOME: dict[str, str] = {}
for _section, _keys in _SCHEMA.items():
    for _key in _keys:
        _HOME.setdefault(_key, _section)  # "period": [analysis] (also a [reviews] key)
del _section, _keys, _key


def _lift_top_level_keys(raw: dict[str, Any], text: str, problems: Problems) -> dict[str, Any]:
    """Keys written above every ``[section]`` (as Hugo's config has them: ``title = …``,
    ``base_url = …``) are read as their section's, with a warning saying where they go;
    a key no section has is a warning too. Never silently dropped: a ``base_url`` lost
    this way built a site without its subpath."""
    out: dict[str, Any] = {
        k: dict(v) if isinstance(v, dict) else v
        for k, v in raw.items()
        if isinstance(v, dict) or k == "sources" or k in _SCHEMA
    }
    for key, value in raw.items():
        if key in out:
            continue
        home = _HOME.get(key)
        line = top_line(text, key)
        section = out.setdefault(home, {}) if home is not None else None
        if not isinstance(section, dict):
            problems.warning(
                CONFIG_NAME,
                f"unknown key '{key}' is ignored",
                line=line,
                field=key,
                hint=did_you_mean(key, [*_HOME, *_SCHEMA, "sources"])
                or "keys go under a [section]: see docs/configuration.md",
            )
            continue
        if key in section:
            problems.warning(
                CONFIG_NAME,
                f"key '{key}' above every section is ignored: [{home}] sets it too",
                line=line,
                field=key,
                hint=f"remove this line; [{home}] {key} is the one read",
            )
            continue
        section[key] = value
        problems.warning(
            CONFIG_NAME,
            f"key '{key}' belongs in [{home}]; read as {home}.{key}",
            line=line,
            field=key,
            hint=f"move it under [{home}]",
        )
    return out


def load_config(root: Path, problems: Problems) -> SiteConfig:
    """Read ``root/goalpath.toml`` (optional: every key has a default)."""
    path = root / CONFIG_NAME
    if not path.exists():
        return SiteConfig(root=root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(CONFIG_NAME, f"cannot read the file: {exc}", hint="save it as UTF-8 text")
        return SiteConfig(root=root)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problems.error(
            CONFIG_NAME,
            f"not valid TOML: {msg}",
            line=int(m.group(1)) if m else None,
            column=int(m.group(2)) if m else None,
            hint="see docs/configuration.md",
        )
        return SiteConfig(root=root)

    raw = _lift_top_level_keys(raw, text, problems)
    values: dict[str, Any] = {}
    for section, body in raw.items():
        if section == "sources":
            continue
        if section not in _SCHEMA:
            problems.warning(
                CONFIG_NAME,
                f"unknown section [{section}] is ignored",
                line=line_of(text, section, None),
                hint=did_you_mean(section, [*_SCHEMA, "sources"]),
            )
            continue
        if not isinstance(body, dict):
            problems.error(CONFIG_NAME, f"'{section}' must be a [section]", field=section)
            continue
        for key, value in body.items():
            fieldname = f"{section}.{key}"
            expected = _SCHEMA[section].get(key)
            if expected is None:
                problems.warning(
                    CONFIG_NAME,
                    "unknown key is ignored",
                    line=line_of(text, section, key),
                    field=fieldname,
                    hint=did_you_mean(key, list(_SCHEMA[section])),
                )
                continue
            types = expected if isinstance(expected, tuple) else (expected,)
            ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
            if isinstance(value, dt.datetime) and dt.date in types:
                value = value.date()
            if not ok:
                word = _TYPE_WORDS.get(types[0], "a number")
                problems.error(
                    CONFIG_NAME,
                    f"must be {word}, got {value!r}",
                    line=line_of(text, section, key),
                    field=fieldname,
                )
                continue
            if isinstance(value, float) and not math.isfinite(value):  # TOML's inf, nan
                problems.error(
                    CONFIG_NAME,
                    f"must be a finite number, got {value!r}",
                    line=line_of(text, section, key),
                    field=fieldname,
                    hint="write a plain number such as 16 or 33.5",
                )
                continue
            values[fieldname] = value

    sql = _load_sources(raw.get("sources", {}), text, problems)
    cfg = _build(values, sql, root)
    _check_ranges(cfg, text, problems)
    return cfg


def _load_sources(raw: Any, text: str, problems: Problems) -> dict[str, SqlSource]:
    out: dict[str, SqlSource] = {}
    if not isinstance(raw, dict):
        problems.error(CONFIG_NAME, "[sources] must be a section", field="sources")
        return out
    for name, spec in raw.items():
        line = line_of(text, "sources", None)
        if name not in ("kpis", "learning", "skills"):
            problems.error(
                CONFIG_NAME,
                f"unknown source '{name}'",
                line=line,
                field=f"sources.{name}",
                hint="sources are kpis, learning or skills",
            )
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("url"), str):
            problems.error(
                CONFIG_NAME,
                'a source needs url = "..." and table = "..." or query = "..."',
                line=line,
                field=f"sources.{name}",
            )
            continue
        table, query = spec.get("table"), spec.get("query")
        if (table is None) == (query is None):
            problems.error(
                CONFIG_NAME,
                "give exactly one of table or query",
                line=line,
                field=f"sources.{name}",
            )
            continue
        out[name] = SqlSource(url=spec["url"], table=table, query=query)
    return out


def _build(values: dict[str, Any], sql: dict[str, SqlSource], root: Path) -> SiteConfig:
    def get(key: str, default: Any) -> Any:
        return values.get(key, default)

    d = SiteConfig()
    base = get("site.base_url", d.base_url)
    if base and not base.endswith("/"):
        base += "/"
    return SiteConfig(
        title=get("site.title", d.title),
        base_url=base,
        theme=get("site.theme", d.theme),
        language=get("site.language", d.language),
        organisation=get("site.organisation", d.organisation),
        allow_html=get("site.allow_html", d.allow_html),
        period=get("analysis.period", d.period),
        as_of=get("analysis.as_of", d.as_of),
        stale_after=get("analysis.stale_after", d.stale_after),
        on_track=float(get("analysis.on_track", d.on_track)),
        at_risk=float(get("analysis.at_risk", d.at_risk)),
        min_group_size=get("privacy.min_group_size", d.min_group_size),
        review_period=get("reviews.period", d.review_period),
        review_limit=get("reviews.limit", d.review_limit),
        data=DataConfig(
            kpis=get("data.kpis", d.data.kpis),
            learning=get("data.learning", d.data.learning),
            skills=get("data.skills", d.data.skills),
            sql=sql,
            csv_separator=get("data.csv_separator", d.data.csv_separator),
            csv_decimal=get("data.csv_decimal", d.data.csv_decimal),
            xapi_path_extension=get("data.xapi_path_extension", d.data.xapi_path_extension),
            xapi_cohort_extension=get("data.xapi_cohort_extension", d.data.xapi_cohort_extension),
        ),
        root=root,
    )


def _check_ranges(cfg: SiteConfig, text: str, problems: Problems) -> None:
    def bad(section: str, key: str, message: str, hint: str | None = None) -> None:
        problems.error(
            CONFIG_NAME,
            message,
            line=line_of(text, section, key),
            field=f"{section}.{key}",
            hint=hint,
        )

    if cfg.period not in PERIODS:
        bad("analysis", "period", f"unknown period {cfg.period!r}", "use week, month or quarter")
    if cfg.stale_after < 1:
        bad("analysis", "stale_after", "must be at least 1")
    if not 0 <= cfg.on_track <= cfg.at_risk:
        bad("analysis", "at_risk", "thresholds must satisfy 0 ≤ on_track ≤ at_risk")
    if cfg.review_period and cfg.review_period not in PERIODS:
        bad(
            "reviews",
            "period",
            f"unknown period {cfg.review_period!r}",
            "use week, month or quarter",
        )
    if cfg.review_limit < 1:
        bad("reviews", "limit", "must be at least 1")
    if cfg.min_group_size < 1:
        bad("privacy", "min_group_size", "must be at least 1")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", cfg.theme):
        bad(
            "site", "theme", f"theme {cfg.theme!r} is not a folder name", "letters, digits, - and _"
        )
    if cfg.base_url and not (cfg.base_url.startswith("/") or re.match(r"https?://", cfg.base_url)):
        bad("site", "base_url", "must start with / or http(s)://", 'e.g. base_url = "/goals/"')
    if cfg.data.csv_separator not in CSV_SEPARATORS:
        bad(
            "data",
            "csv_separator",
            f"unknown separator {cfg.data.csv_separator!r}",
            'use ",", ";", "tab" or "auto"',
        )
    if cfg.data.csv_decimal not in CSV_DECIMALS:
        bad(
            "data",
            "csv_decimal",
            f"unknown decimal mark {cfg.data.csv_decimal!r}",
            'use ".", "," or "auto"',
        )
    for key in ("kpis", "learning", "skills"):
        rel = getattr(cfg.data, key)
        target = (cfg.root / rel).resolve()
        if not target.is_relative_to(cfg.root.resolve()):
            bad("data", key, f"{rel!r} points outside the site folder", "use a path under data/")
