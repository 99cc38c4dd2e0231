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


GOALS = "goals/"
"""Every goal in one sortable, filterable table."""
PATHS = "paths/"
"""Every learning path."""
TAGS = "tags/"
"""Every tag, each linking to its page."""
DEPARTMENTS = "departments/"
"""Every department, each linking to its page."""


def term_slug(name: str) -> str:
    """A tag's or department's folder name: ``Customer service`` → ``customer-service``;
    a name with no ASCII letter or digit gets its code points (``x-4eba-4e8b``)."""
    from .text import slugify

    return slugify(name) or "x-" + "-".join(f"{ord(c):x}" for c in name)[:60].rstrip("-")


def tag_dir(name: str) -> str:
    """``tags/<slug>/``: the goals with this tag."""
    return f"{TAGS}{term_slug(name)}/"


def department_dir(name: str) -> str:
    """``departments/<slug>/``: the goals of this department."""
    return f"{DEPARTMENTS}{term_slug(name)}/"
