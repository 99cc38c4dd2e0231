"""The colours charts draw with, by meaning: the one place a chart's colour is written.

The names match the theme's CSS custom properties where the two mean the same
(``style.css``: ``--ink``, ``--muted``, ``--accent``, ``--on-track``, ``--off-track``,
``--achieved``); ``tests/test_charts.py`` keeps them equal. ``at-risk`` is the one
deliberate difference: marks use a lighter amber (#c98500) than text, whose
``--at-risk`` (#9a6300) needs 4.5:1 contrast on white.
"""

from __future__ import annotations

INK = "#1d2430"
"""Text, reference lines, the first series."""
MUTED = "#5b6576"
"""Axis labels and titles, secondary lines and labels."""
GREY = "#8a94a6"
"""No status, baselines, links between then and now."""
GRID = "#eceff3"
"""Grid lines, empty cells."""
BAND = "#7f8aa0"
"""The forecast's band."""
ACCENT = "#2356a8"
"""Estimates, bars, the trained group."""
GREEN = "#1e7d46"
AMBER = "#c98500"
RED = "#b3261e"
BLUE = "#1b5e9e"
VIOLET = "#8a5cc2"
TEAL = "#0f8a8a"
LEAF = "#4f9d69"

STATUS_COLOURS = {
    "on-track": GREEN,
    "at-risk": AMBER,
    "off-track": RED,
    "achieved": BLUE,
    "not-started": GREY,
    "no-data": GREY,
    "stale": GREY,
}

KIND_COLOURS = {
    "course": ACCENT,
    "workshop": AMBER,
    "practice": GREEN,
    "on-the-job": LEAF,
    "reflection": VIOLET,
    "assessment": RED,
    "coaching": TEAL,
}

CELL_INK = "#1d2431"
"""Text on a light cell of a sequential scheme (the skills heatmap): dark in both
themes, so it is deliberately not :data:`INK` (one unit of blue apart), which
:data:`DARK` lightens."""

SERIES_COLOURS = (INK, ACCENT, AMBER, VIOLET, TEAL)
"""The KPI chart's line colours, by series order; a cohort's training band takes its
line's colour, so band and line read as one cohort."""

GROUP_COLOURS = (ACCENT, GREY, AMBER, VIOLET)
"""The impact chart's groups: the trained group first, its comparison grey."""

NO_SERIES_COLOUR = GREY
"""A training band whose cohort has no KPI line of its own."""

CSS_NAMES = {
    "ink": INK,
    "muted": MUTED,
    "accent": ACCENT,
    "on-track": GREEN,
    "off-track": RED,
    "achieved": BLUE,
}
"""Theme custom properties (``--<name>`` in ``style.css``) that must equal these."""

DARK = {
    INK: "#e4e8ef",
    MUTED: "#a3adbd",
    GREY: "#8f99ab",
    GRID: "#2f3744",
    BAND: "#8792a8",
    ACCENT: "#7aa5ee",
    GREEN: "#4fb87a",
    AMBER: "#e0a030",
    RED: "#ee6f64",
    BLUE: "#6aa8e6",
    VIOLET: "#b08ae0",
    TEAL: "#3cbcbc",
    LEAF: "#6fc08a",
}
"""Each colour as the dark theme draws it (``prefers-color-scheme: dark``): the theme's
``charts.js`` swaps them in a chart's spec before drawing (``tests/test_charts.py``
keeps its table equal to this one). Light enough for 3:1 against the dark card
(#1b212b), the same hue, so a status reads the same in both themes."""
