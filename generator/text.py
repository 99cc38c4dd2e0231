"""How text reads: one home for the small wording rules every stage shares."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable


def slugify(text: str) -> str:
    """``"Réduire l'attente"`` → ``"reduire-l-attente"``: lowercase ASCII words and
    hyphens, at most 80 characters (the id ``goalpath new`` writes and the one a
    validation hint suggests)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].strip("-")


def normalise(name: str) -> str:
    """``CRM navigation``, ``crm_navigation`` and ``crm-navigation`` alike."""
    return re.sub(r"[\s_\-]+", "-", name.strip().casefold())


def closest(name: str, options: Iterable[str]) -> str | None:
    """The option ``name`` probably meant: equal after :func:`normalise`, else the
    closest spelling; None when nothing is close."""
    opts = sorted({o for o in options if o})
    key = normalise(name)
    same = [o for o in opts if normalise(o) == key]
    if same:
        return same[0]
    by_key = {normalise(o): o for o in opts}
    # Numbered families (skill-8, skill-28; goal-0198) differ only in their digits: a
    # different member, not a misspelling.
    letters = re.sub(r"\d+", "#", key)
    candidates = [k for k in by_key if re.sub(r"\d+", "#", k) != letters]
    near = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    return by_key[near[0]] if near else None


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """``did you mean 'x'?`` for the option ``word`` probably meant (:func:`closest`)."""
    close = closest(word, options)
    return f"did you mean '{close}'?" if close else None
