"""Load stage for tabular data: KPI, learning and skills tables from files or SQL.

``load_dataset(root, config.data, problems)`` → :class:`Dataset`. Modules:
``schema`` (column specs), ``files`` (CSV/Parquet), ``xapi`` (xAPI statements as
learning rows), ``validate`` (cell checks with
``file:line`` problems), ``sql`` (SQLAlchemy with KPI aggregation push-down),
``aggregate`` (the same aggregation in pandas), ``dataset`` (orchestration).
"""

from __future__ import annotations

from .aggregate import aggregate_kpis, period_start
from .dataset import Dataset, load_dataset
from .schema import KPIS, LEARNING, SKILLS, TABLES, VERBS, Column, TableSpec
from .validate import MAX_PER_COLUMN

__all__ = [
    "KPIS",
    "LEARNING",
    "MAX_PER_COLUMN",
    "SKILLS",
    "TABLES",
    "VERBS",
    "Column",
    "Dataset",
    "TableSpec",
    "aggregate_kpis",
    "load_dataset",
    "period_start",
]
