"""Column specs of the three tidy tables (kpis, learning, skills) and their empty frames.

The specs are the data contract of DESIGN.md §2 in code: which columns exist, which
are required, what kind of value each holds and its allowed range. Loaders and the
validator read them; nothing here touches files.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

ColumnKind = Literal["date", "text", "number", "level", "verb"]

TEXT_DTYPE = "str"
"""pandas 3 string dtype (missing = NaN); our text columns never hold missing values."""
DATE_DTYPE = "datetime64[ns]"

VERBS: tuple[str, ...] = ("enrolled", "started", "completed", "passed", "failed", "reflected")
"""Allowed learning verbs (flattened xAPI), lower case."""


@dataclass(frozen=True)
class Column:
    """One column of a tidy table."""

    name: str
    """Header name in the file (exact, after trimming spaces)."""
    kind: ColumnKind
    """date · text · number (float) · level (whole number 0–5) · verb (one of VERBS)."""
    required: bool = False
    """Required columns must exist and every row needs a value."""
    minimum: float | None = None
    """Smallest allowed number (numbers only)."""
    maximum: float | None = None
    """Largest allowed number (numbers only)."""

    @property
    def dtype(self) -> str:
        """The pandas dtype of this column in a loaded frame."""
        return {
            "date": DATE_DTYPE,
            "text": TEXT_DTYPE,
            "verb": TEXT_DTYPE,
            "number": "float64",
            "level": "int64",
        }[self.kind]


@dataclass(frozen=True)
class TableSpec:
    """A tidy table: its name (``kpis``) and columns in output order."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def empty(self) -> pd.DataFrame:
        """A frame with no rows and the right columns and dtypes."""
        return pd.DataFrame(
            {c.name: pd.Series([], dtype=c.dtype) for c in self.columns},
            index=pd.RangeIndex(0),
        )

    def default(self, column: Column, length: int) -> pd.Series:
        """Values of an optional column the file does not have: "", NaN or NaT."""
        index = pd.RangeIndex(length)
        if column.kind == "date":
            return pd.Series(pd.NaT, index=index, dtype=DATE_DTYPE)
        if column.kind == "number":
            return pd.Series(np.nan, index=index, dtype="float64")
        if column.kind == "level":  # never optional today; 0 keeps the dtype honest
            return pd.Series(0, index=index, dtype="int64")
        return pd.Series("", index=index, dtype=TEXT_DTYPE)


KPIS = TableSpec(
    "kpis",
    (
        Column("date", "date", required=True),
        Column("metric", "text", required=True),
        Column("value", "number", required=True),
        Column("group", "text"),
    ),
)
LEARNING = TableSpec(
    "learning",
    (
        Column("date", "date", required=True),
        Column("learner", "text", required=True),
        Column("activity", "text", required=True),
        Column("verb", "verb", required=True),
        Column("path", "text"),
        Column("cohort", "text"),
        Column("score", "number", minimum=0, maximum=100),
        Column("duration_min", "number", minimum=0),
    ),
)
SKILLS = TableSpec(
    "skills",
    (
        Column("person", "text", required=True),
        Column("skill", "text", required=True),
        Column("level", "level", required=True, minimum=0, maximum=5),
        Column("team", "text"),
        Column("date", "date"),
    ),
)

TABLES: MappingProxyType[str, TableSpec] = MappingProxyType(
    {"kpis": KPIS, "learning": LEARNING, "skills": SKILLS}
)
"""The three tables by name, in load order."""

AGGREGATED_KPI_COLUMNS: tuple[str, ...] = ("date", "metric", "value", "group", "n")
"""Columns of KPI frames aggregated to periods (SQL push-down): kpis plus ``n`` observations."""
