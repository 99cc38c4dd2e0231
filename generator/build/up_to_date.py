"""Whether ``build/`` already holds what a build would write: nothing that makes the site
changed since the last build, and nobody touched the output since.

A build is a function of its inputs: the site's files (config, content, data, themes),
the report date, the command's options, and goalpath itself with the libraries that shape
its output. After a successful CLI build the digest of all of these is kept in
``.goalpath-cache/`` with a listing of what was written (name, size, mtime of every file)
and the build's warnings. The next ``goalpath build`` computes the digest again, before
importing pandas or Jinja; when it and the listing match, ``build/`` is what the build
would write, byte for byte (builds are deterministic: tests/test_crash_safety.py), and
the command reprints the warnings and stops.

Never taken when the data come from a SQL database (its rows are not files we can
hash), and never when the digest cannot be computed: then the build simply runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

FORMAT = 1
SOURCES = ("content", "data", "themes", "reviews")
LIBRARIES = (
    "jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml", "pydantic", "pandas", "numpy",
    "pyarrow", "scipy", "statsmodels", "altair", "vl-convert-python",
)  # fmt: skip
"""Packages whose version can change the bytes of a page or a chart."""


def manifest_path(root: Path, out: Path) -> Path:
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return root / ".goalpath-cache" / f"build-{name}.json"


class LastCheck:
    """The problems the last ``goalpath check`` of ``root`` found, when nothing it reads
    has changed since (``problems``; else None). A check is a function of the same inputs
    as a build, so it need not load every file and the data again (0.1 s, not 0.6)."""

    def __init__(self, root: Path) -> None:
        self.path = root / ".goalpath-cache" / "check.json"
        # the report date may default to today
        self.key = input_key(root, {"command": "check", "today": dt.date.today().isoformat()})
        last = load(self.path, self.key, None) if self.key else None
        found = last.get("problems") if last is not None else None
        fields = {"file", "line", "column", "field", "message", "hint", "severity"}
        well_formed = isinstance(found, list) and all(
            isinstance(p, dict) and "file" in p and set(p) <= fields for p in found
        )
        self.problems: list[dict[str, Any]] | None = found if well_formed else None

    def save(self, problems: list[dict[str, Any]]) -> None:
        if self.key is not None:
            save(self.path, self.key, None, {"problems": problems})


def input_key(root: Path, options: dict[str, Any]) -> str | None:
    """The digest of everything a build of ``root`` reads, or None when it cannot be
    known from files (a SQL source) or read."""
    h = hashlib.sha256()
    try:
        config = root / "goalpath.toml"
        text = config.read_bytes() if config.exists() else b""
        settings = tomllib.loads(text.decode("utf-8")) if text else {}
        data = settings.get("data", {})
        if not isinstance(data, dict) or data.get("sources"):
            return None
        files: set[str] = set()  # relative names, plain strings (1,000 pages: 40 ms less)
        for folder in SOURCES:
            files.update(_files_under(root, folder))
        for name in ("kpis", "learning", "skills"):  # configured tables outside data/
            rel = data.get(name)
            if isinstance(rel, str) and rel:
                target = root / rel
                if target.parent.is_dir():
                    files.update(
                        p.relative_to(root).as_posix()
                        for p in target.parent.glob(target.stem + ".*")
                        if p.is_file()
                    )
        _feed(h, "config", text)
        for rel in sorted(files):
            with open(os.path.join(root, rel), "rb") as fh:
                _feed(h, rel, fh.read())
        _feed(h, "goalpath", own_digest().encode())
        _feed(h, "options", json.dumps(options, sort_keys=True, default=str).encode())
    except (OSError, ValueError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return h.hexdigest()


def _files_under(root: Path, folder: str) -> list[str]:
    """Every file under ``root/folder``, as names relative to ``root`` with ``/``."""
    out: list[str] = []
    for dirpath, _, filenames in os.walk(os.path.join(root, folder)):
        prefix = os.path.relpath(dirpath, root).replace(os.sep, "/") + "/"
        out.extend(prefix + name for name in filenames if os.path.isfile(os.path.join(dirpath, name)))
    return out


def _feed(h: Any, name: str, data: bytes) -> None:
    h.update(f"{name}\x00{len(data)}\x00".encode())
    h.update(data)


@functools.cache
def own_digest() -> str:
    """goalpath's own code and built-in theme, Python's and the libraries' versions: an
    upgrade (or an edit in a development checkout) makes every site stale."""
    h = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parent.parent
    themes = package.parent / "themes"
    if not themes.is_dir():  # an installed wheel ships the theme as goalpath_themes
        themes = package.parent / "goalpath_themes"
    for base in (package, themes):
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                _feed(h, path.relative_to(base).as_posix(), path.read_bytes())
    versions = installed_versions()
    for name in LIBRARIES:
        h.update(f"{name}={versions.get(_normal(name), '-')}\n".encode())
    return h.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions() -> dict[str, str]:
    """The version of each :data:`LIBRARIES` package Python would import, by its
    normalised name, read off the ``<name>-<version>.dist-info`` folder names along
    ``sys.path`` (as ``importlib.metadata`` finds them, first on the path wins) without
    parsing their metadata: ``importlib.metadata`` costs 60 ms of a 0.15 s up-to-date
    build. A package not found that way is asked of ``importlib.metadata``."""
    wanted = {_normal(name) for name in LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if not folder.endswith(".dist-info") or "-" not in folder:
                continue
            name, version = folder[: -len(".dist-info")].split("-", 1)
            key = _normal(name)
            if key in wanted and key not in found:
                found[key] = version
    for key in wanted - set(found):
        from importlib import metadata

        try:
            found[key] = metadata.version(key)
        except metadata.PackageNotFoundError:
            pass
    return found


def listing(out: Path) -> str | None:
    """Name, size and modification time of every file under ``out``: any change to the
    output (a deleted page, an edited file, a folder rebuilt by hand) makes it differ."""
    if not out.is_dir():
        return None
    h = hashlib.sha256()
    top = str(out)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        # plain strings: pathlib's relative_to was half of the time at 1,000 pages
        prefix = os.path.relpath(dirpath, top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in sorted(filenames):
            st = os.lstat(os.path.join(dirpath, name))
            h.update(f"{prefix}{name}\x00{st.st_size}\x00{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def options_of(out: Path, base_url: str | None, strict: bool, today: dt.date | None) -> dict[str, Any]:
    """What of the command line and the environment a build's output depends on."""
    return {
        "out": str(out.resolve()),
        "base_url": base_url,
        "strict": strict,
        "today": (today or dt.date.today()).isoformat(),  # the report date may default to it
    }


def save(path: Path, key: str, out: Path | None, summary: dict[str, Any]) -> None:
    """Record a successful build (``out`` its folder) or a check (``out`` None); a failure
    to write only costs the next command its shortcut."""
    seen = listing(out) if out is not None else ""
    if seen is None:
        return
    payload = {"format": FORMAT, "key": key, "listing": seen, **summary}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(payload, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def load(path: Path, key: str, out: Path | None) -> dict[str, Any] | None:
    """The last build's summary when ``build/`` is up to date for ``key`` (a check's: its
    inputs are, ``out`` None), else None. A missing, corrupt or foreign file is not
    trusted: the command runs."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        return None
    seen = listing(out) if out is not None else ""
    if payload.get("key") != key or payload.get("listing") != seen:
        return None
    return payload

