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
    edge = _edge(value)
    if edge is not None:
        return edge
    v = float(value)
    if abs(v) < 1e-6:  # rounding noise of an exact fit (4.7e-15), not a figure to print
        return "0"
    if abs(v) >= 1e15:  # beyond any measurement; 300 digits help no reader
        return f"{v:.{digits}g}".replace("-", "−")
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


def _edge(value: Any) -> str | None:
    """What every formatter prints for a missing, not-a-number or infinite value: the
    data refuse these where they enter, but a filter must never raise or print 'nan'."""
    if value is None:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return "–"
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return None


def _unsigned_zero(text: str) -> str:
    """A typographic minus, and none on a figure that rounds to zero ("−0%")."""
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    if text in ("inf", "-inf"):  # a finite value times 100 can overflow
        return "∞" if text == "inf" else "−∞"
    return text.replace("-", "−")


def fmt_pct(value: Any, digits: int = 0) -> str:
    edge = _edge(value)
    if edge is not None:
        return edge
    v = float(value) * 100
    if math.isfinite(v) and abs(v) >= 1e15:
        return f"{v:.3g}%".replace("-", "−")
    return _unsigned_zero(f"{v:.{digits}f}") + "%"


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
    edge = _edge(value)
    if edge is not None:
        return edge if edge == "–" else f"{currency} {edge}"
    v = float(value)
    if abs(v) >= 1e15:
        return f"{currency} {v:.3g}".replace("-", "−")
    return f"{currency} {_unsigned_zero(f'{v:,.0f}')}"


# -- values in generated sentences ------------------------------------------------------


def day_label(day: dt.date) -> str:
    """``2027-06-30`` → ``30 Jun 2027`` (the render filter ``date`` writes the same)."""
    return f"{day.day} {day:%b} {day.year}"


def count(n: int, word: str, plural: str | None = None) -> str:
    """``count(1, "action")`` → ``1 action``; ``count(2, "action")`` → ``2 actions``."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def p_text(p: float) -> str:
    """A p-value as leaders read it: ``p < 0.01`` or ``p = 0.23``, never ``5.9e-06``."""
    if math.isnan(p):
        return "p = –"
    return "p < 0.01" if p < 0.01 else f"p = {p:.2f}"


def id_words(ident: str) -> str:
    """A slug as words: ``ward-nurses`` → ``ward nurses``, ``csat_score`` → ``csat score``."""
    return ident.replace("-", " ").replace("_", " ").strip() or ident


# -- figures in machine-readable output ---------------------------------------------------

SIGNIFICANT_DIGITS = 12
"""Digits kept of a float written into JSON, CSV or a chart's data."""


def stable_floats(value: Any) -> Any:
    """``value`` with every float rounded to :data:`SIGNIFICANT_DIGITS` significant digits.

    The last digits of a regression's interval depend on the CPU (numpy's SIMD paths and
    BLAS differ between machines: 15.119387428918792 here, …8492 there), so output written
    with full precision was not byte-identical across machines. Twelve digits are far
    beyond what a chart or a reader uses and far above that noise (~1e-15 relative).
    """
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: stable_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [stable_floats(v) for v in value]
    return value
