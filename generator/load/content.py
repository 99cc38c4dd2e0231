"""Discover content files, split YAML front-matter from Markdown, keep source positions.

The result of this stage is a :class:`SourceDoc` per file: the raw front-matter
values (as a safe YAML loader builds them), a map from each field path to its
line and column in the file, and the Markdown body with the line it starts on.
Nothing here knows what a goal is; ``model.py`` validates the values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problems, while_processing
from .yaml_bounds import MAX_BYTES, check_shape

KINDS = ("goals", "paths", "pages")
MAX_FILE_BYTES = 10_000_000
"""A content file larger than this is refused (the example's largest is 9 KB)."""
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class SourceDoc:
    """One content file as read: raw values plus where each value sits in the file."""

    kind: str
    """``goals``, ``paths`` or ``pages``."""
    rel: str
    """Path relative to the site folder, forward slashes."""
    stem: str
    """File name without ``.md``: the default id."""
    meta: dict[str, Any]
    """Front-matter as built by ``yaml.safe_load`` semantics."""
    body: str
    """Markdown after the front-matter."""
    body_line: int
    """1-based line of the body's first line in the file."""
    positions: dict[FieldPath, Position] = field(default_factory=dict)
    """Position of each value (and ``(*path, "<key>")`` for each key)."""
    sha: str = ""
    """Hash of the file's bytes, for caching."""

    def where(self, path: FieldPath) -> Position | None:
        """Position of ``path``, or of its nearest existing parent (for a missing field)."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get(())


def discover(root: Path) -> dict[str, list[Path]]:
    """Content files by kind, sorted by name so builds are deterministic."""
    out: dict[str, list[Path]] = {}
    for kind in KINDS:
        folder = root / "content" / kind
        out[kind] = sorted(folder.glob("*.md")) if folder.is_dir() else []
    return out


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def split_front_matter(text: str) -> tuple[list[str], int | None] | None:
    """The one front-matter rule (content files and their Git history): ``text``'s lines,
    newlines normalised, and the index of the ``---`` (or ``...``) line that closes the
    block the first line's ``---`` opens (None: never closed); None when the first line
    opens no block."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    return lines, end


def read_source(root: Path, kind: str, path: Path, problems: Problems) -> SourceDoc | None:
    """Read one file; report unreadable, non-UTF-8, empty files and YAML errors."""
    rel = _rel(root, path)
    with while_processing(rel):
        return _read_source(root, kind, path, rel, problems)


def _read_source(
    root: Path, kind: str, path: Path, rel: str, problems: Problems
) -> SourceDoc | None:
    import hashlib

    if not path.resolve().is_relative_to(root.resolve()):
        # A symlink (of the file or a folder) to outside the site: never read it,
        # so `content/pages/x.md -> ~/.ssh/...` cannot publish a private file.
        problems.error(
            rel,
            "links to a file outside the site folder; not read",
            hint="copy the file into content/ instead of linking to it",
        )
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(
                rel,
                f"the file is {size / 1e6:.1f} MB; goalpath reads content files of up to "
                f"{MAX_FILE_BYTES // 1_000_000} MB",
                hint="split the text into several pages, or link to large documents "
                "instead of pasting them",
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.error(
            rel, f"cannot read the file: {exc.strerror or exc}", hint="check permissions"
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            rel,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            line=line,
            hint="save the file as UTF-8",
        )
        return None
    if not text.strip():
        problems.error(
            rel,
            "the file is empty",
            line=1,
            hint="start with a '---' front-matter block (see docs/content.md) or delete the file",
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sha = hashlib.sha256(data).hexdigest()
    stem = path.stem
    split = split_front_matter(text)
    if split is None:
        if kind == "pages":
            return SourceDoc(kind, rel, stem, {}, text, 1, {(): Position(1, 1)}, sha)
        problems.error(
            rel,
            "no front-matter: the file must start with a line '---'",
            line=1,
            hint="put the YAML fields between two '---' lines at the top",
        )
        return None
    lines, end = split
    if end is None:
        problems.error(
            rel,
            "front-matter is not closed",
            line=1,
            hint="add a line '---' after the last YAML field",
        )
        return None
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    meta, positions = _parse_yaml(yaml_text, rel, problems)
    if meta is None:
        return None
    return SourceDoc(kind, rel, stem, meta, body, end + 2, positions, sha)


class _Loader(yaml.SafeLoader):
    """Safe loader whose impossible dates (2027-13-01) stay text, so validation can
    report them with their line instead of the whole file failing to load."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when PyYAML has it (the pure-Python composer was 6% of a build):
    the same nodes and marks. It places syntax errors a line late, so a file it cannot
    read is parsed again by :class:`_Loader` for the message."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


# Front-matter starts on line 2 of the file; PyYAML marks are 0-based.
_OFFSET = 2


def _parse_yaml(
    text: str, rel: str, problems: Problems
) -> tuple[dict[str, Any] | None, dict[FieldPath, Position]]:
    if len(text) > MAX_BYTES:
        problems.error(
            rel,
            f"the front-matter is {len(text):,} characters long; goalpath reads at most "
            f"{MAX_BYTES:,}",
            line=_OFFSET - 1,
            hint="keep long text in the Markdown body below the closing '---'",
        )
        return None, {}
    shape = check_shape(text, _FastLoader, _Loader)
    if shape is not None:
        problems.error(
            rel,
            shape.message,
            line=shape.line + _OFFSET,
            column=shape.column + 1,
            hint=shape.hint,
        )
        return None, {}
    try:
        try:
            node = yaml.compose(text, Loader=_FastLoader)
        except yaml.YAMLError:
            node = yaml.compose(text, Loader=_Loader)  # exact line and wording
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.error(
            rel,
            f"YAML syntax error: {exc.problem or exc.context}",
            line=mark.line + _OFFSET if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check indentation, colons and quotes; quote text containing ': ' or '#'",
        )
        return None, {}
    except yaml.YAMLError as exc:
        problems.error(rel, f"YAML error: {exc}", line=_OFFSET)
        return None, {}
    if node is None:
        return {}, {(): Position(1, 1)}
    if not isinstance(node, yaml.MappingNode):
        problems.error(
            rel,
            "front-matter must be a mapping of fields (key: value)",
            line=node.start_mark.line + _OFFSET,
            hint="write one 'field: value' per line",
        )
        return None, {}
    positions: dict[FieldPath, Position] = {(): Position(1, 1)}
    dup = _walk(node, (), positions, rel, problems)
    if dup:
        return None, {}
    try:
        value = _Loader("").construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        problems.error(
            rel,
            f"YAML value error: {exc.problem}",
            line=mark.line + _OFFSET if mark else None,
            hint="dates are YYYY-MM-DD; quote text that looks like a date or number",
        )
        return None, {}
    except (ValueError, TypeError, KeyError, OverflowError) as exc:  # a constructor's own
        problems.error(
            rel,
            f"YAML value error: {exc}",
            line=_OFFSET,
            hint="dates are YYYY-MM-DD; quote text that looks like a date or number",
        )
        return None, {}
    return value, positions


def _walk(
    node: yaml.Node,
    path: FieldPath,
    positions: dict[FieldPath, Position],
    rel: str,
    problems: Problems,
) -> bool:
    """Record each node's position; report duplicate keys (YAML silently keeps the last)."""
    positions[path] = Position(node.start_mark.line + _OFFSET, node.start_mark.column + 1)
    found_dup = False
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.error(
                    rel,
                    f"'{key}' is given twice",
                    line=key_node.start_mark.line + _OFFSET,
                    column=key_node.start_mark.column + 1,
                    field=_dotted((*path, key)),
                    hint="keep one of them",
                )
                found_dup = True
            seen.add(key)
            positions[(*path, key, "<key>")] = Position(
                key_node.start_mark.line + _OFFSET, key_node.start_mark.column + 1
            )
            found_dup |= _walk(value_node, (*path, key), positions, rel, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found_dup |= _walk(item, (*path, i), positions, rel, problems)
    return found_dup


def _dotted(path: FieldPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


dotted = _dotted
