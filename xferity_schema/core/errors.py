"""Every failure a user can act on, as one exception type each, and the one formatter for database
errors. The CLI's error edge (core.edge) turns each into one line on stderr and an exit code."""

from __future__ import annotations

from enum import IntEnum

import psycopg


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    PENDING = 3
    DRIFT_OR_AHEAD = 4
    LOCK_TIMEOUT = 5
    AUDIT_FINDINGS = 6


class XferitySchemaError(Exception):
    """Base class: the message is one line a user can act on."""

    exit_code: ExitCode = ExitCode.FAILURE


class UsageError(XferitySchemaError):
    """The command line itself is wrong (a bad name or option value)."""

    exit_code = ExitCode.USAGE


class ConfigError(XferitySchemaError):
    """Bad connection settings: a malformed DSN, an unknown config key, a missing env var."""


class ConnectionFailed(XferitySchemaError):
    """The server could not be reached, refused the login, or is too old."""


class MissingExtra(XferitySchemaError):
    """An optional extra (e.g. `lint`) is not installed."""


class MigrationSetError(XferitySchemaError):
    """The migration files themselves are unusable (bad name, bad directive, unreadable)."""


class MigrationFailed(XferitySchemaError):
    """A migration statement failed; the migration was rolled back."""


class OutOfOrder(XferitySchemaError):
    """A pending migration is numbered below one already applied (--allow-out-of-order)."""


class PooledConnection(XferitySchemaError):
    """The connection goes through a pooler: statements may run in different server sessions."""


class RollbackRefused(XferitySchemaError):
    """The migration to roll back is not the latest applied one, or was never applied."""


class DriftDetected(XferitySchemaError):
    """An applied migration's file changed since it was applied."""

    exit_code = ExitCode.DRIFT_OR_AHEAD


class DatabaseAhead(XferitySchemaError):
    """The database holds migrations this toolkit does not know."""

    exit_code = ExitCode.DRIFT_OR_AHEAD


class LockTimeout(XferitySchemaError):
    """Another apply held the migration lock for longer than --lock-timeout."""

    exit_code = ExitCode.LOCK_TIMEOUT


class DemoDataFailed(XferitySchemaError):
    """A demo file did not load; nothing was loaded."""


class LocalServerError(XferitySchemaError):
    """The embedded or throwaway PostgreSQL server could not be set up or started."""


class StartingPointError(XferitySchemaError):
    """A release to upgrade from (--from REF, --from-dir) is unusable."""


class ScaffoldError(XferitySchemaError):
    """`new`: the name is unusable or the files already exist."""

    exit_code = ExitCode.USAGE


class SquawkUnavailable(MissingExtra):
    """The squawk binary (pip package squawk-cli) is not installed."""


def describe_database_error(exc: psycopg.Error) -> str:
    """A server error as one line: its primary message and SQLSTATE, never libpq's multi-line
    text (which may echo a statement, but never a password: DSNs are redacted elsewhere)."""
    lines = (exc.diag.message_primary or str(exc)).strip().splitlines()
    first = lines[0].strip() if lines else type(exc).__name__
    return f"{first} [SQLSTATE {exc.sqlstate}]" if exc.sqlstate else first
