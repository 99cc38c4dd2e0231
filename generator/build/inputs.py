"""Load and validate everything a build reads: ``goalpath.toml``, the content files, the
data tables, the frozen reviews, and the checks of the content against the data. The
first two stages of a build (``builder.py`` runs the rest) and all of ``goalpath check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GoalpathError, Problems
from ..load.config import SiteConfig, load_config
from ..load.content import SourceDoc, discover, read_source
from ..model.site import Site
from ..model.validate import check_against_data, validate_site
from .input_memo import Reader

if TYPE_CHECKING:
    from ..analysis.frozen import FrozenReview
    from ..data.dataset import Dataset


@dataclass(frozen=True)
class Inputs:
    """Everything validated, ready for analysis."""

    config: SiteConfig
    site: Site
    dataset: Dataset
    frozen: Mapping[str, FrozenReview] = field(default_factory=dict)
    """Frozen reviews by period label (``reviews/*.json``)."""


def load_inputs(
    root: Path,
    problems: Problems,
    *,
    base_url: str | None = None,
    read: Reader = read_source,
    load_data: Callable[..., Dataset] | None = None,
    check_data: Callable[[Site, Dataset, Problems, dt.date], None] | None = None,
) -> Inputs | None:
    """Load and validate config, content and data; None when anything is an error.

    ``read`` reads one content file (``content.read_source``, or a cache of it);
    ``load_data`` the data tables (``data.load_dataset``, or ``memo.DatasetMemo.load``);
    ``check_data`` the content against the data (:func:`check_site_against_data`, or
    ``memo.ChecksMemo.run``).
    """
    from ..data import load_dataset

    load_data = load_data or load_dataset

    config = load_config(root, problems)
    if base_url is not None:
        from dataclasses import replace

        config = replace(
            config, base_url=base_url if not base_url or base_url.endswith("/") else base_url + "/"
        )
    docs: dict[str, list[SourceDoc]] = {}
    unreadable: dict[str, set[str]] = {}
    for kind, files in discover(root).items():
        docs[kind] = []
        for f in files:
            doc = read(root, kind, f, problems)
            if doc is None:
                unreadable.setdefault(kind, set()).add(f.stem)
            else:
                docs[kind].append(doc)
    site = validate_site(docs, config, problems, unreadable)
    agg = {kr.metric: kr.agg for _, kr in site.key_results()}
    from ..data.xapi import XapiContext

    xapi = XapiContext(
        paths=frozenset(site.paths),
        cohorts=frozenset(c.id for p in site.paths.values() for c in p.meta.cohorts),
        reflections=frozenset(
            a.id for p in site.paths.values() for a in p.meta.activities if a.kind == "reflection"
        ),
    )
    dataset = load_data(root, config.data, problems, kpi_agg=agg, period=config.period, xapi=xapi)
    as_of = site.config.as_of or dataset.report_date(None)
    (check_data or check_site_against_data)(site, dataset, problems, as_of)
    from ..load.frozen import read_frozen_files

    frozen_files = read_frozen_files(root, problems)
    frozen: dict[str, FrozenReview] = {}
    if frozen_files:  # the review types (and pandas, scipy) only for a site that has some
        from ..analysis.frozen import decode_frozen

        frozen = decode_frozen(frozen_files, problems)
    cadence = config.review_period or config.period
    for kept in frozen.values():
        if kept.review.cadence != cadence:
            problems.warning(
                kept.source,
                f"a {kept.review.cadence}ly review, but the site reviews by {cadence} "
                "([reviews] period in goalpath.toml): it is shown as frozen, and today's "
                "data are not compared with it",
            )
    if problems.errors:
        return None
    return Inputs(config, site, dataset, frozen)


def check_site_against_data(
    site: Site,
    dataset: Dataset,
    problems: Problems,
    as_of: dt.date,
    *,
    errors_before: bool | None = None,
) -> None:
    """What only the data can confirm: groups, metrics, activities, then the references
    (none once anything is an error: they would only repeat it). ``errors_before``:
    whether the build had errors already (default: whether ``problems`` has)."""
    before = bool(problems.errors) if errors_before is None else errors_before
    check_against_data(site, dataset, problems, as_of)
    if not before and not problems.errors:
        from ..model.references import check_references

        check_references(site, dataset, problems, as_of=as_of)


def check_site(root: Path) -> Problems:
    """``goalpath check``: validate everything, write nothing."""
    problems = Problems()
    try:
        load_inputs(root, problems)
    except GoalpathError as exc:
        problems.extend(exc.problems)
    return problems
