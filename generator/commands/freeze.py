"""``goalpath review freeze``: keep a period's review as it was told.

Computes the period's review exactly as ``goalpath build`` does and writes it to
``reviews/<period>.json`` in the site folder (to be committed). From then on a build
shows that period from the file and lists what today's data and plan say otherwise
(``analysis/frozen.py``). A period still running is refused, and so is a period
already frozen unless ``--force`` says to replace it on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .. import __version__
from ..errors import GoalpathError, Problem, Problems
from ..text import fmt_date


def _fail(file: str, message: str, hint: str) -> GoalpathError:
    return GoalpathError([Problem(file, None, None, None, message, hint)])


def freeze_review(
    root: Path,
    period: str | None = None,
    *,
    force: bool = False,
    today: dt.date | None = None,
) -> tuple[Path, str]:
    """Write the review of ``period`` (a label such as ``2026-10``; default: the latest
    period that is over) to ``root/reviews/<period>.json``; returns the file and the
    period's title."""
    from ..analysis.frozen import FrozenReview, to_json
    from ..analysis.reviews import analyse_reviews, parse_label
    from ..analysis.site import resolve_as_of
    from ..build.inputs import load_inputs
    from ..build.output import write_atomic
    from ..load.frozen import FOLDER

    root = root.resolve()
    problems = Problems()
    inputs = load_inputs(root, problems)
    if inputs is None:
        raise GoalpathError(problems.errors)
    site, dataset = inputs.site, inputs.dataset
    cfg = site.config
    cadence = cfg.review_period or cfg.period
    day = today or dt.date.today()
    as_of = resolve_as_of(site, dataset, day)
    also: list[str] = []
    if period is not None:
        parsed = parse_label(period)
        if parsed is None:
            raise _fail(
                "--period",
                f"'{period}' is not a review period",
                "give it as the review's address does: 2026-10, 2026-Q3 or 2026-W41",
            )
        if parsed[0] != cadence:
            raise _fail(
                "--period",
                f"'{period}' is a {parsed[0]}, but the site reviews by {cadence}",
                "name a period of the site's cadence ([reviews] period in goalpath.toml)",
            )
        also = [period.strip()]
    reviews = analyse_reviews(
        site, dataset, as_of=as_of, cadence=cadence, limit=cfg.review_limit, also=also
    )
    if period is None:
        over = [r for r in reviews if not r.period.partial]
        if not over:
            raise _fail(
                "--period",
                "no review period is over yet: there is nothing to freeze",
                "freeze a period once its last day has data (goalpath review freeze)",
            )
        review = over[-1]
    else:
        found = [r for r in reviews if r.period.label == also[0]]
        if not found:
            raise _fail(
                "--period",
                f"no review for {also[0]}: the data have nothing up to it",
                "see the reviews the site has under build/reviews/",
            )
        review = found[0]
        if review.period.partial:
            raise _fail(
                "--period",
                f"{review.period.title} is not over: it ends on {fmt_date(review.period.end)} "
                f"and the data run to {fmt_date(as_of)}",
                "freeze it once data for its last day are in",
            )
    folder = root / FOLDER
    target = folder / f"{review.period.label}.json"
    rel = target.relative_to(root).as_posix()
    if target.exists() and not force:
        raise _fail(
            rel,
            f"{review.period.title} is already frozen: a frozen review is kept as it was told",
            "to replace it on purpose (say why in the commit): goalpath review freeze "
            f"--period {review.period.label} --force",
        )
    frozen = FrozenReview(review, day, rel, __version__)
    text = json.dumps(to_json(frozen), indent=2, ensure_ascii=False) + "\n"
    # written whole or not at all: a half-written file would be an error in every build
    write_atomic(target, text.encode("utf-8"))
    return target, review.period.title
