"""The colours charts draw with, by meaning."""

from __future__ import annotations

STATUS_COLOURS = {
    "on-track": "#1e7d46",
    "at-risk": "#c98500",
    "off-track": "#b3261e",
    "achieved": "#1b5e9e",
    "not-started": "#8a94a6",
    "no-data": "#8a94a6",
    "stale": "#8a94a6",
}


KIND_COLOURS = {
    "course": "#2356a8",
    "workshop": "#c98500",
    "practice": "#1e7d46",
    "on-the-job": "#4f9d69",
    "reflection": "#8a5cc2",
    "assessment": "#b3261e",
    "coaching": "#0f8a8a",
}


SERIES_COLOURS = ("#1d2430", "#2356a8", "#c98500", "#8a5cc2", "#0f8a8a")
"""The KPI chart's line colours, by series order; a cohort's training band takes its
line's colour, so band and line read as one cohort."""


NO_SERIES_COLOUR = "#8a94a6"
"""A training band whose cohort has no KPI line of its own."""
