""" "On this page": a table of contents from the sections a page has rendered.

Goal, path and review pages show a varying set of sections (a goal without costs has no
"Money"), so the menu is made from the HTML after rendering: every ``<section
aria-labelledby="X">`` whose heading is ``<h2 id="X">``, in order. The template marks
where the menu goes with :data:`MARK`; a page with fewer than three sections gets none.
"""

from __future__ import annotations

import re

MARK = "<!-- goalpath:toc -->"
MIN_SECTIONS = 3

_SECTION = re.compile(
    r'<section\b[^>]*\baria-labelledby="([^"]+)"[^>]*>\s*<h2 id="\1"[^>]*>(.*?)</h2>', re.S
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def insert_toc(html: str) -> str:
    """``html`` with :data:`MARK` replaced by the menu (or removed)."""
    if MARK not in html:
        return html
    entries = []
    for ident, heading in _SECTION.findall(html):
        # the heading is already escaped HTML: dropping its tags leaves safe text
        text = _SPACE.sub(" ", _TAG.sub("", heading)).strip()
        if text:
            entries.append((ident, text))
    if len(entries) < MIN_SECTIONS:
        return html.replace(MARK, "", 1)
    items = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in entries)
    menu = (
        '<nav class="toc" aria-labelledby="toc-title"><details class="toc-fold">'
        f'<summary id="toc-title">On this page</summary><ol>{items}</ol></details></nav>'
    )
    return html.replace(MARK, menu, 1)
