"""Problems a user can cause, and the one exception that carries them.

Every stage reports what is wrong with the user's files as a :class:`Problem`
(file, line, column, field, message, hint) into a :class:`Problems` collector,
so that one run shows *every* problem, not just the first. Only ``cli.py``
prints them and chooses the exit code.

Exception tree::

    Exception
    └── GoalpathError            carries a list of Problem; raised to stop a stage
        └── ContentErrors        validation found errors: nothing is written

"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the user's input, with where it is and how to fix it."""

    file: str
    """Path relative to the site folder, with forward slashes (``content/goals/x.md``)."""
    line: int | None = None
    """1-based line in the file (for CSV data: the 1-based row number incl. the header)."""
    column: int | None = None
    """1-based column, when known."""
    field: str | None = None
    """Dotted field path (``kpi.target.value``, ``cohorts[1].start``) or CSV column."""
    message: str = ""
    """What is wrong, in words a content author understands."""
    hint: str | None = None
    """How to fix it."""
    severity: Severity = "error"

    def format(self) -> str:
        """``file:line:col: field: message (hint)`` — the one format every command prints."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.severity == "warning":
            text += "warning: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity,
        }


SHOWN_ALIKE = 3
"""How many of the same problem (severity, field, message, hint) are printed in full."""


def report_lines(problems: Iterable[Problem]) -> list[str]:
    """The lines a command prints: errors first, then by file and line; the same problem
    in more than :data:`SHOWN_ALIKE` places printed that many times, then one line for the
    rest ("the same in 997 more places: …"), so a thousand alike warnings cannot bury the others.
    ``goalpath check --format json`` still lists every one."""
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.file, p.line or 0))
    alike: dict[tuple[str, str | None, str, str | None], list[Problem]] = {}
    for p in ordered:
        alike.setdefault((p.severity, p.field, p.message, p.hint), []).append(p)
    lines: list[str] = []
    seen: dict[tuple[str, str | None, str, str | None], int] = {}
    for p in ordered:
        key = (p.severity, p.field, p.message, p.hint)
        group = alike[key]
        index = seen[key] = seen.get(key, -1) + 1  # linear: no list.index per problem
        if index < SHOWN_ALIKE:
            lines.append(p.format())
        if len(group) > SHOWN_ALIKE and index == SHOWN_ALIKE:
            first = group[0]
            where = first.file + (f":{first.line}" if first.line is not None else "")
            what = f"{p.field}: {p.message}" if p.field else p.message
            label = "warning: " if p.severity == "warning" else ""
            lines.append(
                f"{label}the same in {len(group) - SHOWN_ALIKE} more places: {what} "
                f"(first: {where})"
            )
    return lines


@dataclass
class Problems:
    """Collects problems from every stage; order of discovery is kept."""

    items: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)

    def add(self, problem: Problem) -> None:
        # a set, not a scan of the list: 4,000 warnings made 8 million comparisons
        if len(self._seen) != len(self.items):  # items were given or edited directly
            self._seen = set(self.items)
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def error(
        self,
        file: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.add(Problem(file, line, column, field, message, hint, "error"))

    def warning(
        self,
        file: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.add(Problem(file, line, column, field, message, hint, "warning"))

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentErrors(list(self.items))


class GoalpathError(Exception):
    """Stops a stage because of the user's input; carries every problem found so far."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))

    @classmethod
    def single(
        cls,
        file: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> GoalpathError:
        return cls([Problem(file, line, None, field, message, hint, "error")])


class ContentErrors(GoalpathError):
    """Validation found at least one error; the build writes nothing."""


# -- internal errors ----------------------------------------------------------------------

PROCESSING_ATTR = "goalpath_processing"
"""Set on an unexpected exception: what goalpath was working on when it was raised."""


@contextmanager
def while_processing(what: str) -> Iterator[None]:
    """Label an unexpected exception with ``what`` (a source file, a page) as it leaves.

    The innermost label wins, so the CLI can say "internal error while processing
    content/goals/x.md" instead of a bare traceback. The user's own mistakes
    (:class:`GoalpathError`) and Ctrl-C pass through unlabelled.
    """
    try:
        yield
    except (GoalpathError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if not hasattr(exc, PROCESSING_ATTR):
            with suppress(AttributeError):  # an exception type with __slots__: unlabelled
                setattr(exc, PROCESSING_ATTR, what)
        raise


def internal_error_text(exc: BaseException) -> str:
    """One paragraph for an exception goalpath did not expect: what it was doing, what
    went wrong, and that this is goalpath's fault, not the user's."""
    where = getattr(exc, PROCESSING_ATTR, None)
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if len(what) > 300:
        what = what[:300] + " …"
    return (
        "goalpath: internal error"
        + (f" while processing {where}" if where else "")
        + f" ({what}). This is a bug in goalpath, not in your files. Please "
        "report it with the traceback that "
        "GOALPATH_DEBUG=1 prints."
    )
