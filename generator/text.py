"""How text reads: one home for the small wording rules every stage shares.

- names: ``slugify``, and the one "did you mean" rule (``closest``, ``did_you_mean``);
- values on pages, in charts' data tables and in the PDF (the Jinja filters ``num``,
  ``signed``, ``pct``, ``date``, ``money``): ``fmt_num`` and its kin, which accept any
  value, ``None``, NaN and infinities included;
- values inside generated sentences: ``day_label`` (the same as ``fmt_date``),
  ``count``, ``p_text``, ``id_words``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any


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


# -- values on pages and in tables -------------------------------------------------------


def fmt_num(value: Any, digits: int = 3) -> str:
    """Human number: 3 significant digits, thousands separators, no trailing zeros."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if abs(v) < 1e-6:  # rounding noise of an exact fit (4.7e-15), not a figure to print
        return "0"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    mag = math.floor(math.log10(abs(v)))
    decimals = max(0, digits - 1 - mag)
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def fmt_signed(value: Any, digits: int = 3) -> str:
    """A change: always signed (+1.2, −0.4), so readers see the direction."""
    text = fmt_num(value, digits)
    return text if text in ("–", "0") or text.startswith("−") else "+" + text


def fmt_pct(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value) * 100:.{digits}f}%".replace("-", "−")


def fmt_date(value: Any, style: str = "long") -> str:
    if value is None:
        return "–"
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if style == "iso":
        return value.isoformat()
    if style == "month":
        return value.strftime("%b %Y")
    return f"{value.day} {value.strftime('%b %Y')}"


def fmt_money(value: Any, currency: str = "EUR") -> str:
    if value is None:
        return "–"
    return f"{currency} {float(value):,.0f}".replace("-", "−")


# -- values in generated sentences ------------------------------------------------------


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
