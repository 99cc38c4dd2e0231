"""How text reads: one home for the small wording rules every stage shares."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """``"Réduire l'attente"`` → ``"reduire-l-attente"``: lowercase ASCII words and
    hyphens, at most 80 characters (the id ``goalpath new`` writes and the one a
    validation hint suggests)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].strip("-")
