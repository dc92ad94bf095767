"""Open a connection with one clear line for every way it can fail."""

from __future__ import annotations

from typing import TypeAlias

import psycopg

from xferity_schema.core.errors import ConnectionFailed
from xferity_schema.core.settings import ConnectionTarget

# The connection every module passes around: tuple rows unless a cursor says otherwise.
Connection: TypeAlias = psycopg.Connection[tuple[object, ...]]

MIN_SERVER_VERSION = 130000
APPLICATION_NAME = "xferity-schema"


def connect(
    target: ConnectionTarget, *, autocommit: bool = True, min_server_version: int | None = None
) -> Connection:
    """Connect, check the server version, and return an autocommit connection by default."""
    try:
        # prepare_threshold=None: never server-side prepared statements, which a pooler in
        # transaction mode would route to another server session ("_pg3_0 already exists").
        conn = psycopg.connect(
            target.conninfo,
            autocommit=autocommit,
            application_name=APPLICATION_NAME,
            prepare_threshold=None,
        )
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(
            f"cannot connect to {target.redacted()} (from {target.source}): {_reason(exc)}"
        ) from None
    except UnicodeError:  # the host name failed IDNA encoding inside name resolution
        raise ConnectionFailed(
            f"cannot connect to {target.redacted()} (from {target.source}): "
            f"the host name is not valid"
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
    """libpq's multi-line message as one line: the server's FATAL text, else the socket error
    plus libpq's hint."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        if "FATAL:" in line:
            return line.split("FATAL:", 1)[1].strip()
    failed = [i for i, line in enumerate(lines) if "failed:" in line]
    if not failed:
        return lines[0] if lines else "connection failed"
    index = failed[-1]
    primary = lines[index].rsplit("failed:", 1)[1].strip()
    hint = lines[index + 1] if index + 1 < len(lines) else ""
    return f"{primary} ({hint})" if hint else primary
