"""What a builder keeps between builds, kept between ``goalpath build`` runs as well.

``goalpath serve`` keeps one ``SiteBuilder`` alive, so an edit re-renders only what it
changes. A command-line build is a fresh process: without this, every build after a
one-file edit analysed, charted and rendered the whole site again (25 s at 1,000 goals
and 1M KPI rows). So a successful command-line build saves its builder's memo (parsed
sources and data, analyses, charts, reviews, rendered pages, each with the key of its
inputs: the keys ``serve`` uses, one mechanism) to ``.goalpath-cache/state-<out>.pickle``,
and the next build starts from it. Reuse is still decided by those keys, so the site is
byte for byte a clean build's (``tests/test_saved_state.py``).

A pickle runs code when it is loaded, so a state file is trusted only when it carries
the HMAC of this user's key (``~/.cache/goalpath/state-key``, made on first use, mode
0600): a state file from elsewhere (committed to the repository, copied from another
machine) or damaged is ignored with a warning and never unpickled. A state file of
another goalpath (an upgrade), Python or library version is ignored silently.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
from pathlib import Path
from typing import Any

from ..errors import Problems

FORMAT = b"goalpath-state-2\n"
"""The first line of a state file; then the digest of the goalpath that wrote it (a
line), then the signature of everything after it: a state of another goalpath is
passed over without reading the rest (~0.3 s a 100 MB), one that is not ours warned of."""
_FAMILY = b"goalpath-state-"
_MAC = 32
_VERSION = 65  # a hex sha256 and a newline


def _version_line(version: str) -> bytes:
    return hashlib.sha256(version.encode()).hexdigest().encode() + b"\n"


def user_cache() -> Path:
    """This user's goalpath cache folder (``$XDG_CACHE_HOME/goalpath``, else
    ``~/.cache/goalpath``): what may hold code to run is kept there, not in a site folder
    that others may have written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "goalpath"


def key_file() -> Path:
    return user_cache() / "state-key"


def template_bytecode(env: Any) -> Any:
    """A Jinja bytecode cache for ``env`` in :func:`user_cache` (the theme's templates
    compiled once, not in every process: ~0.25 s a build), or None when the folder
    cannot be made. Keyed by Jinja's and Python's versions and the options that shape
    the compiled code, beside Jinja's own key (template name and source)."""
    import sys

    import jinja2

    shape = repr(
        (
            jinja2.__version__,
            sys.version,
            env.trim_blocks,
            env.lstrip_blocks,
            env.keep_trailing_newline,
            env.autoescape,
            env.undefined.__name__,
        )
    )
    folder = user_cache() / f"jinja-{hashlib.sha256(shape.encode()).hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _user_key(create: bool) -> bytes | None:
    """This user's secret (32 bytes), made when ``create``; None when it cannot be had."""
    path = key_file()
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    if not create:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = secrets.token_bytes(32)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-key.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(fresh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return fresh
    except OSError:
        return None  # a read-only home: no saved state, builds still run


def state_path(root: Path, cache_dir: str, out: Path, options: Any) -> Path:
    """One state file per output folder and build options (``--base-url``, ``--today``)."""
    name = hashlib.sha256(repr((str(out.resolve()), options)).encode()).hexdigest()[:16]
    return root / cache_dir / f"state-{name}.pickle"


class _Signing:
    """A binary file that signs what is written through it (pickle streams into it, so
    no second copy of a state of hundreds of MB is held in memory)."""

    def __init__(self, fh: Any, mac: Any) -> None:
        self.fh, self.mac = fh, mac

    def write(self, data: Any) -> int:
        self.mac.update(data)
        return int(self.fh.write(data))


def _signature(fh: Any, key: bytes, mac_field: bytes) -> bytes:
    """The HMAC of the version line and the payload after the signature (``mac_field``,
    skipped), read from ``fh`` at the version line in chunks; ``fh`` is left at its end."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(fh.read(_VERSION))
    fh.read(len(mac_field))
    while chunk := fh.read(1 << 20):
        mac.update(chunk)
    return mac.digest()


def load(path: Path, version: str, problems: Problems, shown: str) -> dict[str, Any] | None:
    """The state saved at ``path`` by this user's goalpath of ``version``, or None."""
    try:
        fh = path.open("rb")
    except OSError:
        return None
    with fh:
        key = _user_key(create=False)
        head = fh.read(len(FORMAT) + _VERSION + _MAC)
        if head.startswith(_FAMILY) and not head.startswith(FORMAT):
            return None  # an older goalpath's format
        written_by = head[len(FORMAT) : len(FORMAT) + _VERSION]
        if head.startswith(FORMAT) and len(head) == len(FORMAT) + _VERSION + _MAC:
            if written_by != _version_line(version):
                return None  # another goalpath's state: silently stale, as before
        mac = head[len(FORMAT) + _VERSION :]
        fh.seek(len(FORMAT))
        ours = head.startswith(FORMAT) and key is not None
        if not ours or key is None or not hmac.compare_digest(mac, _signature(fh, key, mac)):
            problems.warning(
                shown,
                "ignored: this saved build state was not written by your goalpath, or it is "
                "damaged; the site is built without it (and the state written again)",
                hint="nothing to do; never commit .goalpath-cache/ (add it to .gitignore)",
            )
            return None
        fh.seek(len(FORMAT) + _VERSION + _MAC)
        try:
            saved = pickle.load(fh)  # signed by this user's key: written by save() below
        except Exception:  # noqa: BLE001 - ours but unreadable (a library changed shape)
            return None
    if not isinstance(saved, dict) or saved.get("version") != version:
        return None
    state = saved.get("state")
    return state if isinstance(state, dict) else None


def save(path: Path, version: str, state: dict[str, Any]) -> bool:
    """Write ``state`` whole or not at all; False when it cannot be (no key, read-only)."""
    key = _user_key(create=True)
    if key is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                line = _version_line(version)
                fh.write(FORMAT + line + b"\0" * _MAC)
                signing = _Signing(fh, hmac.new(key, line, digestmod=hashlib.sha256))
                pickle.dump({"version": version, "state": state}, signing, protocol=5)
                fh.seek(len(FORMAT) + _VERSION)
                fh.write(signing.mac.digest())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
