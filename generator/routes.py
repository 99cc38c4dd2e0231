"""The URL scheme, in one place: where each kind of page lives in the built site.

Folders end in ``/``; a page is the folder's ``index.html`` (``page_file``). Python and
templates ask here (templates through ``goal_url``, ``path_url`` and ``review_url``)
instead of spelling ``goals/<id>/`` themselves.
"""

from __future__ import annotations

REVIEWS = "reviews/"
"""The index of every period review."""
LATEST_REVIEW = "reviews/latest/"
"""The newest review again, so a bookmark always shows the current one."""


def goal_dir(goal_id: str) -> str:
    """``goals/<id>/``: a goal's page."""
    return f"goals/{goal_id}/"


def path_dir(path_id: str) -> str:
    """``paths/<id>/``: a learning path's page."""
    return f"paths/{path_id}/"


def review_dir(label: str) -> str:
    """``reviews/<period>/``, e.g. ``reviews/2026-10/`` (stable: named by the period)."""
    return f"{REVIEWS}{label}/"


def content_page_dir(page_id: str) -> str:
    """``<id>/``: an author page from ``content/pages/``."""
    return f"{page_id}/"


def page_file(folder: str) -> str:
    """The file a folder's page is written to: ``goals/x/`` → ``goals/x/index.html``."""
    return f"{folder}index.html"
