"""A real PostgreSQL server for the test session, started from Debian's binaries.

``postgres_url`` (session): a SQLAlchemy URL to the server's ``postgres`` database.
``postgres_db`` (function): a fresh, empty database per test, dropped afterwards.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
user (``runuser``) in a temporary folder that user owns. Missing binaries FAIL the
test with a clear message (CI installs the ``postgresql`` package); they never skip.
Use it with ``pytest_plugins = ["tests.postgres_fixture"]``.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PG_USER = "postgres"


def postgres_bin() -> Path:
    """Folder holding ``initdb`` and ``pg_ctl``: $GOALPATH_PG_BIN, else Debian's newest."""
    candidates: list[Path] = []
    if env := os.environ.get("GOALPATH_PG_BIN"):
        candidates.append(Path(env))
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(versions)
    if which := shutil.which("pg_ctl"):
        candidates.append(Path(which).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    pytest.fail(
        "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH): "
        "install them with `apt-get install -y postgresql` or set GOALPATH_PG_BIN"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runner(folder: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a command as the server's user (``runuser`` when we are root)."""
    as_root = os.geteuid() == 0
    if as_root:
        try:
            pwd.getpwnam(PG_USER)
        except KeyError:
            pytest.fail(f"running as root needs the '{PG_USER}' user (the postgresql package)")
        shutil.chown(folder, user=PG_USER)

    def run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        full = ["runuser", "-u", PG_USER, "--", *cmd] if as_root else list(cmd)
        done = subprocess.run(full, cwd=folder, capture_output=True, text=True, timeout=60)
        if check and done.returncode != 0:
            log = folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(
                f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{tail}"
            )
        return done

    return run


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Start PostgreSQL on 127.0.0.1 and a free port; yield its URL; stop it at the end."""
    binaries = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="goalpath-pg-"))
    data = folder / "data"
    port = _free_port()
    run = _runner(folder)
    run(
        str(binaries / "initdb"),
        "-D", str(data), "-U", PG_USER, "-A", "trust", "--no-sync",
        "-E", "UTF8", "--locale=C",
    )  # fmt: skip
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    run(
        str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
        "-o", options, "-w", "-t", "30", "start",
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/postgres"
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def _database_names() -> Iterator[str]:
    return (f"goalpath_test_{i}" for i in itertools.count(1))


@pytest.fixture
def postgres_db(postgres_url: str, _database_names: Iterator[str]) -> Iterator[str]:
    """A new empty database for one test (dropped afterwards); yields its URL."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    name = next(_database_names)
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
