"""Where a key is in a TOML text, for messages: ``tomllib`` keeps no positions."""

from __future__ import annotations

import re


def line_of(text: str, section: str, key: str | None) -> int | None:
    """Best-effort line of ``[section]`` or of ``key`` inside it (tomllib keeps no positions)."""
    lines = text.splitlines()
    in_section = False
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if s.startswith("["):
            in_section = s.strip("[] ").split(".")[0] == section
            if in_section and key is None:
                return i
            continue
        if in_section and key and re.match(rf"{re.escape(key)}\s*=", s):
            return i
    return None


def top_line(text: str, key: str) -> int | None:
    """Line of ``key = …`` before the first ``[section]``."""
    for i, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if s.startswith("["):
            return None
        if re.match(rf"{re.escape(key)}\s*=", s):
            return i
    return None
