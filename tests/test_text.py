"""text.py: how values and names read, the one home every stage uses."""

from __future__ import annotations

import datetime as dt


def test_value_wording_takes_any_number() -> None:
    """One rule for values on pages and in charts' tables (text.py), whatever the float."""
    from generator.text import day_label, fmt_date, fmt_num, fmt_pct, fmt_signed

    assert fmt_num(1234.5) == "1,234" and fmt_num(0.04567) == "0.0457" and fmt_num(-2.5) == "−2.5"
    assert fmt_num(None) == fmt_num(float("nan")) == "–"
    assert fmt_num(float("inf")) == "∞" and fmt_num(float("-inf")) == "−∞"
    assert fmt_num(4.74e-15) == "0"  # rounding noise of an exact fit
    assert fmt_num(1e300) == "1e+300" and fmt_num(-2.5e15) == "−2.5e+15"  # not 300 digits
    assert fmt_signed(0.5) == "+0.5" and fmt_signed(-0.5) == "−0.5"
    assert fmt_pct(-0.2) == "−20%"
    day = dt.date(2027, 6, 30)
    assert day_label(day) == fmt_date(day) == "30 Jun 2027"
