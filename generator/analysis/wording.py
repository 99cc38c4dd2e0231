"""How values read inside generated sentences: dates, counts and ids as words.

Pure and dependency-free, so the analysis sentences and the SMART check agree on
"30 Jun 2027" and "2 milestones" instead of ISO dates and "milestone(s)".
"""

from __future__ import annotations

import datetime as dt


def day_label(day: dt.date) -> str:
    """``2027-06-30`` → ``30 Jun 2027`` (the render filter ``date`` writes the same)."""
    return f"{day.day} {day:%b} {day.year}"


def count(n: int, word: str, plural: str | None = None) -> str:
    """``count(1, "action")`` → ``1 action``; ``count(2, "action")`` → ``2 actions``."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def p_text(p: float) -> str:
    """A p-value as leaders read it: ``p < 0.01`` or ``p = 0.23``, never ``5.9e-06``."""
    return "p < 0.01" if p < 0.01 else f"p = {p:.2f}"


def id_words(ident: str) -> str:
    """A slug as words: ``ward-nurses`` → ``ward nurses``, ``csat_score`` → ``csat score``."""
    return ident.replace("-", " ").replace("_", " ").strip() or ident
