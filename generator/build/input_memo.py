"""What a builder keeps of its inputs between builds: each content file parsed
(:class:`SourceCache`), the data tables (:class:`DatasetMemo`) and the checks of the
content against the data (:class:`ChecksMemo`), each again only when what it reads has
changed, its problems replayed otherwise. Reads the site's files; writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import digest_or_random
from ..errors import Problems
from ..load.content import SourceDoc

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from ..errors import Problem
    from ..model.site import Site

# -- sources --------------------------------------------------------------------------------

Reader = Callable[[Path, str, Path, Problems], SourceDoc | None]


class SourceCache:
    """Parses a content file again only when its bytes changed; replays its problems."""

    def __init__(self) -> None:
        self._docs: dict[str, tuple[bytes, SourceDoc | None, list[Problem]]] = {}
        self._seen: set[str] = set()
        self.hits = 0
        self.misses = 0

    def read(self, root: Path, kind: str, path: Path, problems: Problems) -> SourceDoc | None:
        """Same contract as ``content.read_source``."""
        from ..load.content import read_source

        key = f"{root}\x00{kind}\x00{path}"
        self._seen.add(key)
        try:
            data = path.read_bytes()
        except OSError:
            self._docs.pop(key, None)
            return read_source(root, kind, path, problems)  # reports the error
        fp = hashlib.sha256(data).digest()
        cached = self._docs.get(key)
        if cached is not None and cached[0] == fp:
            self.hits += 1
            problems.extend(cached[2])
            return cached[1]
        self.misses += 1
        local = Problems()
        doc = read_source(root, kind, path, local)
        problems.extend(local.items)
        self._docs[key] = (fp, doc, list(local.items))
        return doc

    def prune(self) -> None:
        """Forget files not read since the last prune (deleted or renamed ones)."""
        for key in [k for k in self._docs if k not in self._seen]:
            del self._docs[key]
        self._seen = set()


class DatasetMemo:
    """Parses the data files again only when their bytes (or what parsing reads besides
    them) changed; replays their problems. Reading and hashing a 1,000,000-row CSV takes
    ~0.1 s, parsing and validating it ~1.4 s: ``goalpath serve`` after a prose edit no
    longer pays the second. SQL sources are read every time (a database changes by
    itself)."""

    def __init__(self) -> None:
        self._last: tuple[str, Any, list[Problem]] | None = None
        self.hits = 0

    def load(
        self, root: Path, config: Any, problems: Problems, **options: Any
    ) -> Any:
        """``data.load_dataset(root, config, problems, **options)``, or its last result
        when nothing it reads has changed."""
        from ..data import load_dataset
        from ..data.files import candidates

        if config.sql:
            self._last = None
            return load_dataset(root, config, problems, **options)
        files = []
        base = root.resolve()
        for name in ("kpis", "learning", "skills"):
            for rel in candidates(getattr(config, name), (".jsonl", ".json")):
                if not (root / rel).resolve().is_relative_to(base):
                    files.append((rel.as_posix(), "outside"))  # never read: an error says so
                    continue
                try:
                    data = (root / rel).read_bytes()
                except OSError as exc:  # missing (the usual) or unreadable: part of the key
                    files.append((rel.as_posix(), type(exc).__name__))
                    continue
                files.append((rel.as_posix(), hashlib.sha256(data).hexdigest()))
        key = digest_or_random([str(root), config, options, files])
        if self._last is not None and self._last[0] == key:
            self.hits += 1
            problems.extend(self._last[2])
            return self._last[1]
        local = Problems()
        dataset = load_dataset(root, config, local, **options)
        problems.extend(local.items)
        self._last = (key, dataset, list(local.items))
        return dataset


class ChecksMemo:
    """``inputs.check_site_against_data`` again only when the config, the data, a
    front matter, the report date or whether there were errors before has changed;
    otherwise its problems replayed (0.25 s at 1,000 goals and 1M KPI rows)."""

    def __init__(self) -> None:
        self._last: tuple[str, list[Problem]] | None = None

    def run(self, site: Site, dataset: Dataset, problems: Problems, as_of: dt.date) -> None:
        from .inputs import check_site_against_data
        from .memo import meta_keys

        key = digest_or_random(
            [
                site.config,
                dataset.fingerprint,
                str(as_of),
                sorted(meta_keys(site).items()),
                bool(problems.errors),
            ]
        )
        if self._last is not None and self._last[0] == key:
            problems.extend(self._last[1])
            return
        local = Problems()
        check_site_against_data(site, dataset, local, as_of, errors_before=bool(problems.errors))
        problems.extend(local.items)
        self._last = (key, list(local.items))
