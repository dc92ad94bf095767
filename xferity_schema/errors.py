"""One exception type per failure a user can act on.

The CLI turns each into one line on stderr and an exit code."""

from enum import IntEnum


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


class ConfigError(XferitySchemaError):
    """Bad connection settings: a malformed DSN, an unknown config key, a missing env var."""


class ConnectionFailed(XferitySchemaError):
    """The server could not be reached, refused the login, or is too old."""


class MigrationSetError(XferitySchemaError):
    """The migration files themselves are unusable (bad name, bad directive, unreadable)."""


class MigrationFailed(XferitySchemaError):
    """A migration statement failed; the migration was rolled back."""


class DriftDetected(XferitySchemaError):
    """An applied migration's file changed since it was applied."""

    exit_code = ExitCode.DRIFT_OR_AHEAD


class DatabaseAhead(XferitySchemaError):
    """The database holds migrations this toolkit does not know."""

    exit_code = ExitCode.DRIFT_OR_AHEAD


class LockTimeout(XferitySchemaError):
    """Another apply held the migration lock for longer than --lock-timeout."""

    exit_code = ExitCode.LOCK_TIMEOUT


class LocalServerError(XferitySchemaError):
    """The embedded or throwaway PostgreSQL server could not be set up or started."""
