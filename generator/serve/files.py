"""URL → file for the dev server: the content types it serves, ``base_url``'s prefix,
and the one function that maps a request path to a file under the output folder and
never outside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


@dataclass(frozen=True)
class Target:
    """Where a request path leads: a file (200), a redirect (301) or an error (403/404)."""

    status: int
    file: Path | None = None
    location: str | None = None
    outside_prefix: bool = False


def url_prefix(base_url: str) -> str:
    """The path part of ``base_url`` as ``/a/b/`` (``/`` when there is none)."""
    parts = [p for p in urlsplit(base_url).path.split("/") if p]
    return "/" + "".join(p + "/" for p in parts)


def resolve_url(out_dir: Path, raw: str, prefix: str = "/") -> Target:
    """Map a request target to a file under ``out_dir``; never a path outside it.

    Rejects ``..`` segments, backslashes, NUL and invalid UTF-8 after percent-decoding
    (403), hidden files (404) and anything whose real path (symlinks resolved) leaves
    ``out_dir`` (403). ``/dir`` redirects to ``/dir/``, which serves ``dir/index.html``.
    """
    path, sep, query = raw.partition("?")
    path = path.partition("#")[0]
    if not path.startswith("/"):
        return Target(404)
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return Target(403)
    if "\\" in decoded or "\x00" in decoded:
        return Target(403)
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if ".." in segments:
        return Target(403)
    trailing = decoded.endswith("/")
    base = [p for p in prefix.split("/") if p]
    if segments[: len(base)] != base:
        return Target(404, outside_prefix=True)
    rest = segments[len(base) :]
    if any(s.startswith(".") for s in rest):
        return Target(404)
    root = os.path.realpath(out_dir)
    real = os.path.realpath(os.path.join(root, *rest))
    if not _inside(real, root):
        return Target(403)
    if os.path.isdir(real):
        if not trailing:
            location = quote("/" + "".join(s + "/" for s in segments)) + sep + query
            return Target(301, location=location)
        real = os.path.realpath(os.path.join(real, "index.html"))
        if not _inside(real, root):
            return Target(403)
    elif trailing:
        return Target(404)
    if not os.path.isfile(real):
        return Target(404)
    return Target(200, file=Path(real))


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)
