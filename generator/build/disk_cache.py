"""Computed values kept between processes in ``.goalpath-cache/``, one JSON file each:

- ``fits.json``: the series fits. Each fit's bootstrap costs a few milliseconds and a
  build makes hundreds (most of a cold build's analysis), yet a fit is a function of
  its series and design alone (the bootstrap is seeded);
- ``charts.json``: the charts' compiled Altair templates, so a build that finds them
  all need not import Altair.

A build starts from what the last one kept and writes back what it used. Each file
carries the digest of the code that made it (:func:`fits_version`,
:func:`charts_version`): a file from other code is ignored, one that is not ours or is
damaged is ignored with a warning and replaced — never trusted. JSON, not pickle: a
cache file is data, it cannot run code.
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

FITS = "fits.json"
CHARTS = "charts.json"


def fits_version() -> str:
    """What a remembered fit depends on besides its inputs."""
    import numpy
    import scipy

    from ..analysis import inference

    source = Path(inference.__file__).read_bytes()
    return hashlib.sha256(
        source + f"|numpy {numpy.__version__}|scipy {scipy.__version__}".encode()
    ).hexdigest()


def charts_version() -> str:
    """What a compiled template depends on: Altair's version and the chart modules."""
    return hashlib.sha256(f"altair {altair_version()}|{chart_modules_digest()}".encode()).hexdigest()


def altair_version() -> str:
    from importlib.metadata import version

    return version("altair")


def chart_modules_digest() -> str:
    """The digest of the chart modules' source (``generator/charts/*.py``)."""
    from .. import charts

    h = hashlib.sha256()
    for module in sorted(Path(charts.__file__).parent.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    return h.hexdigest()


PACKAGED_TEMPLATES = "templates.json"
"""The chart templates compiled when the package was made (``generator/charts/``), for
the Altair version named in it: a first build need not import Altair either."""


def packaged_templates() -> dict[str, Any]:
    """The package's compiled templates when they were made by this Altair from these
    chart modules; otherwise none (each is compiled when first used, as before)."""
    from .. import charts

    path = Path(charts.__file__).parent / PACKAGED_TEMPLATES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        return {}
    if data.get("altair") != altair_version() or data.get("modules") != chart_modules_digest():
        return {}
    return dict(data["values"])


class KeptValues(MutableMapping[str, Any]):
    """The values read from one cache file, and which of them this build used."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self._values = values or {}
        self.used: set[str] = set()
        self.hits = 0

    def __getitem__(self, key: str) -> Any:
        value = self._values[key]
        self.used.add(key)
        self.hits += 1
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __setitem__(self, key: str, value: Any) -> None:
        self._values[key] = value
        self.used.add(key)

    def __delitem__(self, key: str) -> None:
        del self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def start(self) -> None:
        """A new build: nothing used yet."""
        self.used = set()
        self.hits = 0

    def kept(self) -> dict[str, Any]:
        """The values this build used: what the next build is likely to need."""
        return {k: self._values[k] for k in sorted(self.used)}


def load(folder: Path, name: str, problems: Problems, version: str) -> KeptValues:
    path = folder / name
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KeptValues()
    except OSError as exc:
        problems.warning(str(path), f"the cache cannot be read ({exc}); computing again")
        return KeptValues()
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != 1:
            raise ValueError("not a goalpath cache")
        values = data["values"]
        if not isinstance(values, dict):
            raise ValueError("no values")
    except (ValueError, KeyError, TypeError) as exc:
        problems.warning(
            str(path),
            f"the cache is damaged or not goalpath's ({exc}); ignored and replaced",
            hint="nothing to do: the next build writes a new one",
        )
        return KeptValues()
    if data.get("version") != version:
        return KeptValues()  # other code made these: silently stale, not suspicious
    return KeptValues(values)


def save(folder: Path, name: str, cache: KeptValues, version: str) -> None:
    """Write the values this build used, atomically (a killed build leaves the old file)."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"format": 1, "version": version, "values": cache.kept()})
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
