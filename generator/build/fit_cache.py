"""The series fits of earlier builds, kept in ``.goalpath-cache/fits.json``.

Each fit's bootstrap costs a few milliseconds and a build makes hundreds (most of a
cold build's analysis), yet a fit is a function of its series and design alone (the
bootstrap is seeded). So a build starts from the fits the last one made and writes back
the ones it used. The file carries the digest of the code that made it
(``analysis/inference.py``, NumPy's and SciPy's versions): a file from other code, or
one that is not ours or is damaged, is ignored with a warning and replaced — never
trusted. JSON, not pickle: a cache file is data, it cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

from ..errors import Problems

FILE = "fits.json"


def code_version() -> str:
    """What a remembered fit depends on besides its inputs."""
    import numpy
    import scipy

    from ..analysis import inference

    source = Path(inference.__file__).read_bytes()
    return hashlib.sha256(
        source + f"|numpy {numpy.__version__}|scipy {scipy.__version__}".encode()
    ).hexdigest()


class FitCache(MutableMapping[str, list[Any]]):
    """The fits read from the cache folder, and which of them this build used."""

    def __init__(self, fits: dict[str, list[Any]] | None = None) -> None:
        self._fits = fits or {}
        self.used: set[str] = set()
        self.hits = 0

    def __getitem__(self, key: str) -> list[Any]:
        value = self._fits[key]
        self.used.add(key)
        self.hits += 1
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._fits

    def __setitem__(self, key: str, value: list[Any]) -> None:
        self._fits[key] = value
        self.used.add(key)

    def __delitem__(self, key: str) -> None:
        del self._fits[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fits)

    def __len__(self) -> int:
        return len(self._fits)

    def start(self) -> None:
        """A new build: nothing used yet."""
        self.used = set()
        self.hits = 0

    def kept(self) -> dict[str, list[Any]]:
        """The fits this build used: what the next build is likely to need."""
        return {k: self._fits[k] for k in sorted(self.used)}


def load(folder: Path, problems: Problems, version: str) -> FitCache:
    path = folder / FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return FitCache()
    except OSError as exc:
        problems.warning(str(path), f"the fit cache cannot be read ({exc}); fitting again")
        return FitCache()
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != 1:
            raise ValueError("not a goalpath fit cache")
        fits = data["fits"]
        if not isinstance(fits, dict) or not all(isinstance(v, list) for v in fits.values()):
            raise ValueError("fits are not lists")
    except (ValueError, KeyError, TypeError) as exc:
        problems.warning(
            str(path),
            f"the fit cache is damaged or not goalpath's ({exc}); ignored and replaced",
            hint="nothing to do: the next build writes a new one",
        )
        return FitCache()
    if data.get("version") != version:
        return FitCache()  # other code made these: silently stale, not suspicious
    return FitCache(fits)


def save(folder: Path, cache: FitCache, version: str) -> None:
    """Write the fits this build used, atomically (a killed build leaves the old file)."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"format": 1, "version": version, "fits": cache.kept()})
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".fits-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, folder / FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
