"""Write the site: every file into a temporary folder, then swap it into place atomically.

A failed build never touches the previous output: the new site is assembled in a
sibling temp folder and renamed over ``build/`` only when complete.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import sys
import tempfile
import time
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
        self._folders: set[Path] = set()
        """Folders made so far (a thousand pages share a few: one mkdir each, not a
        thousand)."""

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

    def _folder_for(self, target: Path) -> None:
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)

    def write(self, rel: str, content: str | bytes) -> None:
        target = self._target(rel)
        self._folder_for(target)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
        self.written[rel] = len(data)

    def copy(self, rel: str, source: Path) -> None:
        target = self._target(rel)
        self._folder_for(target)
        shutil.copyfile(source, target)
        self.written[rel] = source.stat().st_size


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: into a temporary file beside it, renamed over
    it, with the usual permissions (``mkstemp`` makes a private file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


FileStat = tuple[int, int, int]
"""A written file's inode, size and modification time: whether it is still ours."""


def file_stats(out: Path, rels: list[str]) -> dict[str, FileStat]:
    """The :data:`FileStat` of each written file (missing ones left out)."""
    stats: dict[str, FileStat] = {}
    for rel in rels:
        try:
            st = out.joinpath(*PurePosixPath(rel).parts).stat()
        except OSError:
            continue
        stats[rel] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return stats


def update_in_place(
    out: Path,
    files: dict[str, str | bytes],
    previous: dict[str, str | bytes],
    stats: dict[str, FileStat],
) -> dict[str, FileStat]:
    """Make ``out`` hold exactly ``files``, given that it held ``previous`` when the
    files had ``stats``: each changed file, or one changed, removed or replaced on disk
    since, is written beside its place and renamed over it (a reader sees the old file
    or the new one, never half of one); files no longer made are removed. For ``goalpath
    serve``, whose rebuilds after one edit change a few of a thousand files; builds from
    the command line replace the whole folder (:func:`swap_into_place`). Returns the
    files' stats now."""
    checker = OutputWriter(out)
    targets = {rel: checker._target(rel) for rel in files}  # refuses unsafe paths first
    now: dict[str, FileStat] = {}
    for rel, content in files.items():
        target = targets[rel]
        before = previous.get(rel)
        if before is not None and (before is content or before == content):
            try:
                st = target.stat()
                kept = (st.st_ino, st.st_size, st.st_mtime_ns)
            except OSError:
                kept = None
            if kept is not None and kept == stats.get(rel):
                now[rel] = kept
                continue
        write_atomic(target, content.encode("utf-8") if isinstance(content, str) else content)
        st = target.stat()
        now[rel] = (st.st_ino, st.st_size, st.st_mtime_ns)
    for rel in previous.keys() - files.keys():
        gone = checker.root.joinpath(*PurePosixPath(rel).parts)
        gone.unlink(missing_ok=True)
        parent = gone.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return now


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


_STAGING, _ASIDE = "tmp", "old"
"""``.build.tmp-<pid>-<token>``: a site being written; ``.build.old-<pid>``: the previous
site set aside by the two-rename fallback. The pid says whether its build still runs."""


def marker_of(out: Path) -> tuple[int, int] | None:
    """Which build replaced the output folder last: its marker file's inode and change
    time (each swap writes a new one; the bytes stay the same). None: no marker."""
    try:
        st = (out / MARKER).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def new_staging_dir(out: Path) -> Path:
    """An empty sibling of ``out`` to write the new site into, made with the usual
    permissions (0777 under the umask, so 0755 with the common 022): ``tempfile.mkdtemp``
    makes 0700 folders, and a web server running as another user got 403 on the site."""
    out.parent.mkdir(parents=True, exist_ok=True)
    while True:
        path = out.with_name(f".{out.name}.{_STAGING}-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            path.mkdir(mode=0o777)
        except FileExistsError:
            continue
        return path


def swap_into_place(staging: Path, out: Path) -> tuple[int, int] | None:
    """Replace ``out`` with ``staging`` so that a reader, or a build killed at any
    moment, finds ``out`` as the previous complete site or the new one. Returns the
    identity of the marker file written into it, unique to this build (:func:`marker_of`).

    On Linux the two folders trade places in one ``renameat2(RENAME_EXCHANGE)``; the old
    site, now at the staging path, is removed afterwards. Elsewhere (or on a file system
    without it) the old site is renamed aside first: a kill between the two renames
    leaves no ``out``, and :func:`recover` puts the old one back at the next build.
    """
    (staging / MARKER).write_text("made by goalpath; replaced on every build\n", encoding="utf-8")
    made = marker_of(staging)
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
        return made
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.{_ASIDE}-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
    os.replace(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return made


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):
        return False  # the kernel or file system lacks it: the fallback renames
    raise OSError(err, os.strerror(err), str(b))


def recover(out: Path) -> list[str]:
    """Before a build: put back a previous site that a killed build left set aside, and
    remove what killed builds left beside ``out``; folders of builds still running are
    left alone. Returns what was done, for the log."""
    done: list[str] = []
    prefix = f".{out.name}."
    try:
        siblings = sorted(out.parent.iterdir()) if out.parent.is_dir() else []
    except OSError:
        return done
    for path in siblings:
        name = path.name
        if not name.startswith(prefix) or not path.is_dir() or path.is_symlink():
            continue
        kind, _, rest = name[len(prefix) :].partition("-")
        if kind not in (_STAGING, _ASIDE) or _running(rest.split("-")[0], path):
            continue
        if kind == _ASIDE and not out.exists() and (path / MARKER).exists():
            os.replace(path, out)
            done.append(f"restored {out.name}/ from {name} (a build was stopped mid-swap)")
            continue
        shutil.rmtree(path, ignore_errors=True)
        done.append(f"removed {name} (left by a stopped build)")
    return done


def _running(pid_text: str, path: Path) -> bool:
    """Whether the build that owns ``path`` may still be running."""
    if not pid_text.isdigit():  # an older goalpath's mkdtemp name: only when stale
        try:
            return time.time() - path.stat().st_mtime < _STALE_SECONDS
        except OSError:
            return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # ours from an earlier build in this process (serve): finished
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


_STALE_SECONDS = 3600


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
