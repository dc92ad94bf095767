"""Open a connection with one clear line for every way it can fail."""

from __future__ import annotations

import psycopg

from xferity_schema.errors import ConnectionFailed
from xferity_schema.settings import ConnectionTarget

MIN_SERVER_VERSION = 130000
APPLICATION_NAME = "xferity-schema"


def connect(
    target: ConnectionTarget, *, autocommit: bool = True, min_server_version: int | None = None
) -> psycopg.Connection[tuple[object, ...]]:
    """Connect, check the server version, and return an autocommit connection by default."""
    try:
        conn = psycopg.connect(
            target.conninfo, autocommit=autocommit, application_name=APPLICATION_NAME
        )
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(
            f"cannot connect to {target.redacted()} (from {target.source}): {_reason(exc)}"
        ) from None
    minimum = MIN_SERVER_VERSION if min_server_version is None else min_server_version
    if conn.info.server_version < minimum:
        found = conn.info.parameter_status("server_version") or str(conn.info.server_version)
        conn.close()
        raise ConnectionFailed(
            f"server at {target.redacted()} runs PostgreSQL {found}; "
            f"xferity-schema needs {minimum // 10000} or newer"
        )
    return conn


def _reason(exc: psycopg.OperationalError) -> str:
    """libpq's multi-line message reduced to its most specific line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return "connection failed"
    last = lines[-1]
    for prefix in ("FATAL:", "ERROR:"):
        for line in lines:
            if prefix in line:
                return line[line.index(prefix) + len(prefix) :].strip()
    return last.split("failed:", 1)[-1].strip() or last
