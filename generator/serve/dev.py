"""``goalpath serve``: a :class:`~generator.build.builder.SiteBuilder` behind the dev server.

Wires the three pieces: the builder (incremental: it keeps parsed sources, analyses,
charts and pages between builds, keyed by their inputs), :class:`serve.DevServer`
(HTTP, live reload, the problems overlay) and the watcher over the site's sources
(``content/``, ``data/``, ``themes/``, ``goalpath.toml``). Prints nothing itself:
``cli.py`` passes ``log`` and ``progress``.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..errors import GoalpathError, Problem, Problems
from .files import url_prefix
from .loop import Builder, BuildOutcome
from .server import BindError, DevServer

_logger = logging.getLogger(__name__)

WATCHED = ("content", "data", "themes", "reviews", "goalpath.toml")
"""What an author edits, relative to the site folder; anything else never triggers a build."""


class ProgressSink(Protocol):
    """A progress display: called as ``(stage, done, total)``, closed after each build."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...

    def close(self) -> None: ...


def watched_paths(root: Path) -> list[Path]:
    """The folders and files a running server watches (missing ones once they appear)."""
    return [root / name for name in WATCHED]


def serve_prefix(root: Path) -> str:
    """The URL path the site lives under (``/`` or the path part of ``site.base_url``).

    Read once at start: a broken ``goalpath.toml`` serves at ``/`` and the first build
    shows its problem.
    """
    from ..load.config import load_config

    try:
        config = load_config(root, Problems())
    except GoalpathError:
        return "/"
    return url_prefix(config.base_url)


def make_builder(
    root: Path, out: Path | None, *, base_url: str | None, progress: ProgressSink | None
) -> tuple[Builder, Path]:
    """The dev server's builder (a closure over one SiteBuilder) and its output folder."""
    from ..build.builder import SiteBuilder

    site = SiteBuilder(root, out, base_url=base_url, progress=progress, in_place=True)

    def build(changed: frozenset[Path] | None) -> BuildOutcome:
        try:
            result = site.build(changed)
        finally:
            if progress is not None:
                progress.close()
        return BuildOutcome(
            result.ok, result.problems, result.pages, result.seconds, reused=result.reused
        )

    return build, site.out


def bind_problem(host: str, port: int, exc: OSError) -> Problem:
    """Why the server could not listen, as a message with a fix."""
    if exc.errno == errno.EADDRINUSE:
        return Problem(
            "goalpath serve",
            field="--port",
            message=f"port {port} on {host} is already in use (another goalpath serve?)",
            hint=f"stop the other server or choose another port: --port {port + 1}",
        )
    if exc.errno == errno.EACCES:
        return Problem(
            "goalpath serve",
            field="--port",
            message=f"not allowed to listen on port {port}",
            hint="use a port above 1023, e.g. --port 8000",
        )
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return Problem(
            "goalpath serve",
            field="--host",
            message=f"cannot listen on {host!r}: not an address of this machine",
            hint="use --host 127.0.0.1 (or 0.0.0.0 to be reachable from the network)",
        )
    return Problem(
        "goalpath serve",
        message=f"cannot listen on {host}:{port}: {exc.strerror or exc}",
    )


def run_dev_server(
    site: Path,
    *,
    out: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_url: Callable[[str], object] | None = None,
    quiet: bool = False,
    log: Callable[[str], None] = _logger.info,
    progress: ProgressSink | None = None,
    debounce: float = 0.15,
    on_start: Callable[[DevServer], None] | None = None,
) -> None:
    """Build, serve on ``host:port`` and rebuild on every save until Ctrl+C.

    Raises :class:`GoalpathError` when the address cannot be used (port taken, …).
    ``open_url`` (``webbrowser.open``) receives the site's URL once it is served;
    ``on_start`` receives the running server (tests).
    """
    root = Path(site).resolve()
    prefix = serve_prefix(root)
    builder, out_dir = make_builder(
        root, out, base_url=prefix if prefix != "/" else None, progress=progress
    )
    server = DevServer(
        out_dir,
        builder,
        watch=watched_paths(root),
        host=host,
        port=port,
        base_url=prefix,
        log=log,
        debounce=debounce,
        quiet=quiet,
    )

    def started() -> None:
        if open_url is not None:
            open_url(server.url)
        if on_start is not None:
            on_start(server)

    try:
        server.serve_forever(on_start=started)
    except BindError as exc:
        raise GoalpathError([bind_problem(host, port, exc.cause)]) from None
