"""Write the site: every file into a temporary folder, then swap it into place atomically.

A failed build never touches the previous output: the new site is assembled in a
sibling temp folder and renamed over ``build/`` only when complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

MARKER = ".goalpath-build"
"""Written into every output folder, so we never replace a folder we did not make."""


class UnsafeOutputPath(ValueError):
    """An output path would leave the output folder or was written twice."""


class OutputWriter:
    """Writes files under a root, refusing paths that escape it or repeat (Pelican's _open_w)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, int] = {}

    def _target(self, rel: str) -> Path:
        pure = PurePosixPath(rel)
        if (
            not rel
            or pure.is_absolute()
            or "\\" in rel
            or "\x00" in rel
            or any(part in ("..", "") for part in pure.parts)
        ):
            raise UnsafeOutputPath(f"refusing to write {rel!r} outside the output folder")
        if rel in self.written:
            raise UnsafeOutputPath(f"{rel!r} would be written twice")
        return self.root.joinpath(*pure.parts)

    def write(self, rel: str, content: str | bytes) -> None:
        target = self._target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
        self.written[rel] = len(data)

    def copy(self, rel: str, source: Path) -> None:
        target = self._target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        self.written[rel] = source.stat().st_size


def check_output_dir(out: Path, site_root: Path) -> str | None:
    """Why ``out`` must not be replaced, or None when it is safe."""
    out_r, root_r = out.resolve(), site_root.resolve()
    if out_r == root_r or root_r.is_relative_to(out_r):
        return "the output folder contains the site itself"
    for sub in ("content", "data", "themes"):
        if out_r == root_r / sub or out_r.is_relative_to(root_r / sub):
            return f"the output folder is inside {sub}/"
    if out_r.exists() and not out_r.is_dir():
        return "the output path is a file"
    if out_r.is_dir() and any(out_r.iterdir()) and not (out_r / MARKER).exists():
        return "the folder exists and was not made by goalpath (no .goalpath-build marker)"
    return None


def new_staging_dir(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))


def swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` with ``staging``; the old folder is removed only after the rename."""
    (staging / MARKER).write_text("made by goalpath; replaced on every build\n", encoding="utf-8")
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
    os.replace(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
