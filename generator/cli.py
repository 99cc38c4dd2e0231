"""The ``goalpath`` command: build | check | serve | new | init | pdf | review | schema.

The only module that prints and chooses exit codes: 0 success (warnings allowed),
1 the user's input has errors, 2 wrong command-line usage. Heavy imports (pandas,
Altair) happen inside the commands that need them, so ``--help``, ``new`` and
``init`` start fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .commands.progress import ProgressBar as _ProgressBar
from .errors import GoalpathError, Problem, internal_error_text, report_lines


def _print_problems(problems: Sequence[Problem], stream: TextIO) -> None:
    for line in report_lines(problems):
        stream.write(line + "\n")


def _summary(problems: Sequence[Problem]) -> str:
    e = sum(1 for p in problems if p.severity == "error")
    w = len(problems) - e
    parts = []
    if e:
        parts.append(f"{e} error{'s' if e != 1 else ''}")
    if w:
        parts.append(f"{w} warning{'s' if w != 1 else ''}")
    return ", ".join(parts) or "no problems"


def _site_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"site folder {value!r} does not exist")
    return path


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r} (use 0-65535)")
    return port


def _wants_progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty() and not os.environ.get("CI")


def _log_line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# ---------------------------------------------------------------- commands


def cmd_build(args: argparse.Namespace) -> int:
    from .build import up_to_date

    t0 = time.perf_counter()
    root = args.site.resolve()
    out = (args.out or root / "build").resolve()
    record = up_to_date.manifest_path(root, out)
    key = up_to_date.input_key(
        root, up_to_date.options_of(out, args.base_url, args.strict, args.today)
    )
    last = up_to_date.load(record, key, out) if key and not args.force else None
    if last is not None:  # nothing changed: build/ is what a build would write
        problems = [Problem(**p) for p in last.get("problems", [])]
        _print_problems(problems, sys.stderr)
        if not args.quiet:
            sys.stderr.write(
                f"{out} is up to date: nothing changed since the last build "
                f"({last.get('files')} files, {last.get('pages')} pages; checked in "
                f"{time.perf_counter() - t0:.2f} s; --force rebuilds)"
                + (f"; {_summary(problems)}" if problems else "")
                + "\n"
            )
        return 0

    from .build.builder import SiteBuilder

    bar = _ProgressBar(sys.stderr, _wants_progress(args))
    builder = SiteBuilder(
        args.site,
        args.out,
        base_url=args.base_url,
        today=args.today,
        progress=bar,
        strict=args.strict,
        persist=True,
        fresh=args.force,
    )
    result = builder.build()
    bar.close()
    _print_problems(result.problems, sys.stderr)
    if not result.ok:
        sys.stderr.write(
            f"build failed: {_summary(result.problems)}; nothing was written "
            f"(the previous {builder.out.name}/ is unchanged)\n"
        )
        return 1
    if key is not None:
        summary = {
            "files": result.files,
            "pages": result.pages,
            # not the caches' own notes (a state file ignored once): they were of that build
            "problems": [
                p.to_json() for p in result.problems if not p.file.startswith(".goalpath-cache/")
            ],
        }
        up_to_date.save(record, key, builder.out, summary)
    if not args.quiet:
        sys.stderr.write(
            f"built {result.files} files ({result.pages} pages) into {builder.out} "
            f"in {result.seconds:.2f} s"
            + (f"; {_summary(result.problems)}" if result.problems else "")
            + "\n"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .build.up_to_date import LastCheck

    last = LastCheck(args.site.resolve())
    problems = [Problem(**p) for p in last.problems] if last.problems is not None else None
    if problems is None:  # something changed since the last check (or there was none)
        from .build.inputs import check_site

        problems = list(check_site(args.site))
        last.save([p.to_json() for p in problems])
    if args.format == "json":
        json.dump([p.to_json() for p in problems], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_problems(problems, sys.stderr)
        sys.stderr.write(f"{_summary(problems)}\n")
    errors = any(p.severity == "error" for p in problems)
    warnings = any(p.severity == "warning" for p in problems)
    return 1 if errors or (args.strict and warnings) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve.dev import run_dev_server

    opener = None
    if args.open:
        import webbrowser

        opener = webbrowser.open
    try:
        run_dev_server(
            args.site,
            out=args.out,
            host=args.host,
            port=args.port,
            open_url=opener,
            quiet=args.quiet,
            log=_log_line,
            progress=_ProgressBar(sys.stderr, _wants_progress(args)),
        )
    except GoalpathError as exc:
        _print_problems(exc.problems, sys.stderr)
        return 1
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .commands.scaffold import new_content

    try:
        path = new_content(args.site, args.kind, args.title, ident=args.id)
    except GoalpathError as exc:
        _print_problems(exc.problems, sys.stderr)
        return 1
    sys.stderr.write(f"created {path}\n")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .commands.scaffold import init_site

    try:
        created = init_site(Path(args.dir), title=args.title)
    except GoalpathError as exc:
        _print_problems(exc.problems, sys.stderr)
        return 1
    sys.stderr.write(
        f"created a new goalpath site in {args.dir} ({len(created)} files)\n"
        f"next: cd {args.dir} && goalpath serve\n"
    )
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from .commands.pdf import make_pdf

    try:
        written = make_pdf(
            args.site,
            period=args.period,
            include_goals=args.goals,
            output=args.output,
            today=args.today,
        )
    except GoalpathError as exc:
        _print_problems(exc.problems, sys.stderr)
        return 1
    for path in written:
        sys.stderr.write(f"wrote {path}\n")
    return 0


def cmd_review_freeze(args: argparse.Namespace) -> int:
    from .commands.freeze import freeze_review

    try:
        path, title = freeze_review(args.site, args.period, force=args.force, today=args.today)
    except GoalpathError as exc:
        _print_problems(exc.problems, sys.stderr)
        return 1
    sys.stderr.write(
        f"froze the review of {title} in {path}: commit it, and builds show {title} as it "
        "is now, with any later change to its figures listed beside it\n"
    )
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .commands.schema import write_schemas

    folder = args.out or args.site / "schemas"
    for path in write_schemas(folder):
        sys.stderr.write(f"wrote {path}\n")
    sys.stderr.write(
        "bind them to content/goals/*.md, content/paths/*.md and content/pages/*.md in your "
        "editor: docs/content.md, 'Editor support'\n"
    )
    return 0


# ---------------------------------------------------------------- parser


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goalpath",
        description="Build a static site that shows whether training moves business goals.",
    )
    parser.add_argument("--version", action="version", version=f"goalpath {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def site_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--site", type=_site_dir, default=Path("."), help="site folder (default: .)")

    b = sub.add_parser("build", help="validate and write the static site")
    site_arg(b)
    b.add_argument("--out", type=Path, default=None, help="output folder (default: SITE/build)")
    b.add_argument("--base-url", default=None, help="override site.base_url, e.g. /goals/")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    b.add_argument(
        "--force",
        action="store_true",
        help="build everything again: even when nothing changed, and without the state the "
        "last build saved",
    )
    b.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    b.set_defaults(func=cmd_build)

    c = sub.add_parser("check", help="validate everything and write nothing")
    site_arg(c)
    c.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("serve", help="build, serve and rebuild on every save, with live reload")
    site_arg(s)
    s.add_argument("--out", type=Path, default=None, help="output folder (default: SITE/build)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    s.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0: any free)")
    s.add_argument("--open", action="store_true", help="open the site in a browser")
    s.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    s.set_defaults(func=cmd_serve)

    n = sub.add_parser("new", help="create a goal, path or page from a commented template")
    n.add_argument("kind", choices=("goal", "path", "page"))
    n.add_argument("title", help='e.g. "Reduce onboarding time"')
    n.add_argument("--id", default=None, help="id (default: a slug of the title)")
    site_arg(n)
    n.set_defaults(func=cmd_new)

    i = sub.add_parser("init", help="create a new site folder that builds")
    i.add_argument("dir")
    i.add_argument("--title", default="Goals and learning")
    i.set_defaults(func=cmd_init)

    sc = sub.add_parser(
        "schema",
        help="write JSON Schemas of the goal, path and page front-matter (for editors)",
    )
    site_arg(sc)
    sc.add_argument("--out", type=Path, default=None, help="folder (default: SITE/schemas)")
    sc.set_defaults(func=cmd_schema)

    r = sub.add_parser("review", help="period reviews: freeze one as it was told")
    review_sub = r.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    f = review_sub.add_parser(
        "freeze",
        help="write a period's review to reviews/<period>.json, to be committed",
        description="Write the review of a period that is over (default: the latest) to "
        "reviews/<period>.json in the site folder. Builds then show that period from the file, "
        "never recomputed, and list what today's data and plan say otherwise.",
    )
    site_arg(f)
    f.add_argument("--period", default=None, help="e.g. 2026-10 or 2026-Q3 (default: latest over)")
    f.add_argument("--force", action="store_true", help="replace a review frozen before")
    f.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    f.set_defaults(func=cmd_review_freeze)

    p = sub.add_parser(
        "pdf",
        help="print the review (and optionally goal pages) as PDF",
        description="Build the site into a temporary folder (build/ is not touched) and print "
        "a period's review, charts drawn, with headless Chromium. Needs Chromium "
        '(apt-get install -y chromium) and Playwright (pip install "goalpath[pdf]").',
    )
    site_arg(p)
    p.add_argument(
        "--period",
        default="latest",
        help="review period, e.g. 2026-10 or 2026-Q3, as in build/reviews/ (default: latest)",
    )
    p.add_argument("--goals", action="store_true", help="also print every goal page, one PDF each")
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="a .pdf file for the review (goal PDFs go beside it) or a folder "
        "(default: SITE/build-pdf/, files review-<period>.pdf and goal-<id>.pdf)",
    )
    p.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_pdf)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except GoalpathError as exc:
        _print_problems(exc.problems, sys.stderr)
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("stopped\n")
        return 130
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        sys.stderr.write(f"goalpath: {exc.strerror or exc}{where}\n")
        return 1
    except Exception as exc:  # a bug: one clear paragraph, the traceback on request
        if os.environ.get("GOALPATH_DEBUG"):
            import traceback

            traceback.print_exc(file=sys.stderr)
        sys.stderr.write(internal_error_text(exc) + "\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
