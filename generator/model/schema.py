"""The content contract as typed, frozen models: what a goal, path and page may say.

Each field has a one-line docstring; ``docs/content.md`` documents the same fields
for authors. ``extra="forbid"`` lets the validator find unknown fields, which it
reports as warnings with a "did you mean" (see ``model.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
Slug = Annotated[str, Field(min_length=1, max_length=80)]
"""Checked against SLUG_RE by the validator (so the message can say how to fix it)."""

Level = Annotated[int, Field(ge=0, le=5)]
ActivityKind = Literal[
    "course", "workshop", "practice", "on-the-job", "reflection", "assessment", "coaching"
]


class _Model(BaseModel):
    # inf and nan (".inf", "1e400") are refused: no KPI, cost or score is infinite
    # (field docstrings become the JSON Schemas' descriptions in `goalpath schema`, which
    # reads them itself: pydantic's use_attribute_docstrings cost every build 11 ms)
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class Dated(_Model):
    value: float
    """The KPI value."""
    date: dt.date
    """When: for a target, the deadline."""


class Baseline(_Model):
    value: float | None = None
    """Baseline value; or give ``window`` to take the mean of the data in it."""
    date: dt.date | None = None
    """When the baseline was measured."""
    window: tuple[dt.date, dt.date] | None = None
    """``[start, end]``: the baseline is the mean of the KPI data in this window."""

    @model_validator(mode="after")
    def _one_way(self) -> Baseline:
        if self.value is None and self.window is None:
            raise ValueError("give a value (with a date) or a window: [start, end]")
        if self.window and self.window[0] > self.window[1]:
            raise ValueError("the window's start is after its end")
        return self

    @property
    def as_of(self) -> dt.date | None:
        """The baseline's date: its own, or the end of its window."""
        return self.date or (self.window[1] if self.window else None)


class Kpi(_Model):
    metric: str = Field(min_length=1)
    """Name of the metric in the KPI data (``metric`` column)."""
    name: str = ""
    """What readers call the KPI, e.g. ``Medication errors``; default: the metric's words."""
    unit: str = ""
    """Unit shown beside values, e.g. ``errors / 1000 doses``."""
    direction: Literal["increase", "decrease"]
    """Whether the goal is to raise or lower the number."""
    baseline: Baseline | None = None
    """Where we started."""
    target: Dated
    """Where we want to be, and by when (the deadline)."""
    milestones: list[Dated] = []
    """Intermediate targets; without them the straight line baseline → target is expected."""
    agg: Literal["mean", "sum"] = "mean"
    """How observations combine into a period: mean (rates) or sum (counts)."""
    group: str = ""
    """KPI group that is the goal's own series; empty = the whole organisation's rows."""
    data_from: dt.date | None = None
    """When the first figure is expected, for a KPI not collected yet: until then its
    missing data is no warning in ``check`` (after it, it is)."""

    @property
    def label(self) -> str:
        """The KPI's name in sentences: ``name``, else ``metric`` with spaces for ``_``."""
        return self.name or self.metric.replace("_", " ").strip() or self.metric


class KeyResult(Kpi):
    """One of a goal's several KPIs (``kpis:``), OKR style: a KPI with a weight."""

    weight: float = Field(default=1.0, gt=0, le=1000)
    """How much the key result counts in the goal's progress (relative to the others;
    default 1: all count the same). Status does not weigh: see docs/analysis.md."""


class Monitoring(_Model):
    cadence: Literal["weekly", "monthly", "quarterly"] = "monthly"
    """How often the goal is reviewed."""
    control_group: str | None = None
    """KPI group (or cohort id) that does not train: the comparison for impact."""
    evidence: list[str] = []
    """Sources of evidence beyond the KPI (incident reports, surveys …)."""


class Action(_Model):
    title: str = Field(min_length=1)
    """What will be done."""
    training: bool = False
    """Whether the action is training (learning paths are training by definition)."""


class Costs(_Model):
    training: float = Field(default=0.0, ge=0)
    """Direct training cost (design, delivery, licences)."""
    backfill: float = Field(default=0.0, ge=0)
    """Cost of people's time away from work."""
    other: float = Field(default=0.0, ge=0)
    """Anything else attributable to the programme."""
    currency: str = "EUR"
    """Currency code shown with money."""

    @property
    def total(self) -> float:
        return self.training + self.backfill + self.other


class Checkin(_Model):
    date: dt.date
    """Date of the owner's check-in."""
    confidence: int = Field(ge=1, le=10)
    """Owner's confidence the goal will be reached, 1 (none) – 10 (certain)."""
    note: str = ""
    """What the owner said."""


class LeadingIndicator(_Model):
    metric: str = Field(min_length=1)
    """``course_completion``, ``assessment_score`` or a KPI metric name."""
    direction: Literal["increase", "decrease"] | None = None
    """Which way the behaviour should move; without it a change is at most moderate
    evidence (it cannot be told from a change the wrong way)."""


class GoalMeta(_Model):
    id: Slug
    """Slug; defaults to the file name."""
    title: str = Field(min_length=1)
    """What the goal changes, in one line."""
    owner: str = Field(min_length=1)
    """Who is accountable."""
    department: str = ""
    """Department or function; the dashboard groups by it."""
    parent: str | None = None
    """Id of the goal this one serves (alignment tree)."""
    target_groups: list[str] = []
    """Whose behaviour must change (teams, roles)."""
    kpi: Kpi = Field(default=None)  # type: ignore[assignment]  # set from kpis when absent
    """The number that should move. A goal gives ``kpi`` or ``kpis``, not both; with
    ``kpis`` this is the first key result (the headline)."""
    kpis: list[KeyResult] = []
    """Several key results, each a KPI with a ``weight``; the first is the headline
    (impact, ROI and forecast are estimated for every one)."""
    learning_paths: list[str] = []
    """Ids of the learning paths meant to move it."""
    skills: dict[str, Level] = {}
    """Required level (0–5) per skill."""
    leading_indicators: list[LeadingIndicator] = []
    """Early signals: ``course_completion``, ``assessment_score`` or a KPI metric name,
    each a name or ``{metric: name, direction: increase|decrease}``."""
    monitoring: Monitoring = Monitoring()
    """How progress is reviewed and compared."""
    actions: list[Action] = []
    """Actions, training and other (a string is an action's title)."""
    costs: Costs | None = None
    """Programme costs, for ROI."""
    benefit_per_unit: float | None = None
    """Money value of one KPI unit of change, for ROI."""
    tags: list[str] = []
    """Free labels for filtering."""
    checkins: list[Checkin] = []
    """Owner check-ins with confidence."""

    @model_validator(mode="after")
    def _kpi_or_kpis(self) -> GoalMeta:
        given = self.__dict__.get("kpi")
        if given is not None and self.kpis:
            raise ValueError("give kpi (one number) or kpis (key results), not both")
        if given is None:
            if not self.kpis:
                raise ValueError(
                    "a goal needs the number that should move: kpi (one KPI) or kpis "
                    "(a list of key results)"
                )
            # the headline: what a goal with one KPI reads, so every stage works unchanged
            object.__setattr__(self, "kpi", self.kpis[0])
        return self

    @functools.cached_property
    def key_results(self) -> tuple[KeyResult, ...]:
        """Every key result: ``kpis``, or ``kpi`` as the one key result (weight 1).
        Cached on the instance (pydantic's equality ignores it); a copy with another
        ``kpi`` must drop it (``model.site.Goal.for_key_result``)."""
        if self.kpis:
            return tuple(self.kpis)
        # the valid kpi with the default weight: no validation again (many calls a build)
        fields = {name: getattr(self.kpi, name) for name in Kpi.model_fields}
        return (KeyResult.model_construct(**fields, weight=1.0),)

    def kpi_fields(self) -> list[tuple[tuple[str | int, ...], Kpi]]:
        """Each KPI with where the front-matter says it: ``(("kpi",), kpi)`` or
        ``(("kpis", i), key result)``, for messages that name the field."""
        if self.kpis:
            return [(("kpis", i), kr) for i, kr in enumerate(self.kpis)]
        return [(("kpi",), self.kpi)]

    @field_validator("leading_indicators", mode="before")
    @classmethod
    def _indicators_from_text(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"metric": i} if isinstance(i, str) else i for i in v]
        return v

    @field_validator("actions", mode="before")
    @classmethod
    def _actions_from_text(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"title": a} if isinstance(a, str) else a for a in v]
        return v


class Cohort(_Model):
    id: Slug
    """Slug, unique within the path; also the default KPI group of the cohort."""
    name: str = ""
    """Display name."""
    start: dt.date
    """First day of week 1."""
    size: int | None = Field(default=None, ge=0)
    """Planned number of people."""
    group: str | None = None
    """KPI group whose series is this cohort's; default: the cohort id."""

    @property
    def kpi_group(self) -> str:
        return self.group or self.id

    @property
    def label(self) -> str:
        return self.name or self.id


class Activity(_Model):
    id: Slug
    """Slug, unique within the path; the ``activity`` column in learning data."""
    title: str = Field(min_length=1)
    """What learners do."""
    kind: ActivityKind
    """course, workshop, practice, on-the-job, reflection, assessment or coaching."""
    week: int = Field(ge=1, le=520)
    """Week after the cohort's start (week 1 = the first week)."""
    hours: float | None = Field(default=None, ge=0)
    """Expected effort."""
    skills: list[str] = []
    """Skills the activity builds."""
    pass_score: float | None = Field(default=None, ge=0, le=100)
    """Assessments: score needed to pass (0–100)."""


class PathMeta(_Model):
    id: Slug
    """Slug; defaults to the file name."""
    title: str = Field(min_length=1)
    """Name of the learning path."""
    goals: list[str] = []
    """Ids of the goals it serves (also inferred from the goals' ``learning_paths``)."""
    format: Literal["online", "classroom", "blended"] = "blended"
    """How it is delivered."""
    summary: str = ""
    """One-sentence description for lists."""
    cohorts: list[Cohort] = Field(min_length=1)
    """Groups that take the path, each with its start date."""
    activities: list[Activity] = Field(min_length=1)
    """What learners do, week by week."""


class PageMeta(_Model):
    id: Slug
    """Slug; defaults to the file name; the page is written to ``/<id>/``."""
    title: str = Field(min_length=1)
    """Page title."""
    weight: int | None = None
    """Position in the navigation (lower first); giving one puts the page in it."""
    order: int | None = None
    """The older name of ``weight``."""
    nav: bool | None = None
    """In the navigation? By default only pages that give a ``weight`` (or ``order``)."""
    date: dt.date | None = None
    """When the page was written or last reviewed; shown under its title."""
    tags: list[str] = []
    """Keywords; shown under the title and searchable."""
    summary: str = ""
    """One sentence for lists, search results and the page's description."""

    @model_validator(mode="after")
    def _one_position(self) -> PageMeta:
        if self.weight is not None and self.order is not None:
            raise ValueError("give weight or order (its older name), not both")
        return self

    @property
    def position(self) -> int:
        """Where the page sorts among pages: its weight, else 100."""
        given = self.weight if self.weight is not None else self.order
        return 100 if given is None else given

    @property
    def in_nav(self) -> bool:
        """Lists the pages that ask for it, so the navigation stays short at 1,000 pages."""
        if self.nav is not None:
            return self.nav
        return self.weight is not None or self.order is not None
