"""Apply migrations safely: one advisory lock, one transaction per migration with its tracking row.

What we replace from yoyo's backend, and why:
- lock: yoyo's `yoyo_lock` row outlives a SIGKILLed process; a session advisory lock dies with it;
- bookkeeping: yoyo records a migration on a second connection after the first committed; we record
  it inside the migration's own transaction, so both commit or neither does;
- drift: yoyo hashes the file name; we keep the sha256 of the file's content.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg.rows import dict_row

from xferity_schema import __version__
from xferity_schema.core.db import Connection
from xferity_schema.core.errors import (
    DatabaseAhead,
    DriftDetected,
    LockTimeout,
    MigrationFailed,
    MigrationSetError,
    RollbackRefused,
    describe_database_error,
)
from xferity_schema.core.progress import Progress, silent
from xferity_schema.core.queries import QueryFile, statement
from xferity_schema.migrate.files import Migration, content_sha256

QUERIES = QueryFile(__package__, "runner.sql")

# Constant key of the session-level advisory lock every apply takes: "xferity" + 0x01.
MIGRATION_LOCK_KEY = 0x7866657269747901
LOCK_POLL_SECONDS = 0.2
LOCK_REPORT_EVERY_SECONDS = 10.0


@dataclass(frozen=True)
class AppliedMigration:
    migration_id: str
    content_sha256: str
    applied_at: datetime
    applied_by: str
    execution_ms: int


@dataclass(frozen=True)
class MigrationState:
    """The migration files compared with what the database records."""

    applied: list[AppliedMigration]
    pending: list[Migration]
    drifted: list[tuple[Migration, AppliedMigration]]
    unknown: list[AppliedMigration]

    @property
    def up_to_date(self) -> bool:
        return not (self.pending or self.drifted or self.unknown)

    def refuse_if_unsafe(self) -> None:
        """Raise on a database ahead of this toolkit, or on an edited applied migration."""
        if self.unknown:
            names = ", ".join(a.migration_id for a in self.unknown)
            raise DatabaseAhead(
                f"database has migrations this toolkit does not know ({names}); "
                f"upgrade xferity-schema (this is {__version__}) before applying"
            )
        if self.drifted:
            migration, applied = self.drifted[0]
            raise DriftDetected(
                f"{migration.path} changed after it was applied "
                f"(recorded sha256 {applied.content_sha256[:12]}…, file now "
                f"{migration.content_sha256[:12]}…); released migrations must not be edited"
            )


@dataclass
class ApplyReport:
    applied: list[tuple[str, int]] = field(default_factory=list)  # (migration id, ms)
    already_up_to_date: bool = False


def read_state(conn: Connection, migrations: Sequence[Migration]) -> MigrationState:
    """Compare files and database without changing anything (the tracking table may not exist)."""
    applied = _applied_migrations(conn)
    by_id = {a.migration_id: a for a in applied}
    known = {m.id for m in migrations}
    return MigrationState(
        applied=applied,
        pending=[m for m in migrations if m.id not in by_id],
        drifted=[
            (m, by_id[m.id])
            for m in migrations
            if m.id in by_id and by_id[m.id].content_sha256 != m.content_sha256
        ],
        unknown=[a for a in applied if a.migration_id not in known],
    )


def apply_migrations(
    conn: Connection,
    migrations: Sequence[Migration],
    *,
    lock_timeout_seconds: float = 300.0,
    statement_lock_timeout_ms: int = 10_000,
    progress: Progress = silent,
) -> ApplyReport:
    """Apply every pending migration in order under the migration lock."""
    _prepare_session(conn)
    with migration_lock(conn, lock_timeout_seconds, progress):
        if not _tracking_tables_exist(conn):
            with conn.transaction():
                conn.execute(QUERIES["create_tracking_tables"])
        state = read_state(conn, migrations)
        state.refuse_if_unsafe()
        report = ApplyReport(already_up_to_date=not state.pending)
        for migration in state.pending:
            elapsed_ms = _apply_one(conn, migration, statement_lock_timeout_ms)
            report.applied.append((migration.id, elapsed_ms))
            progress(f"applied {migration.id} ({elapsed_ms} ms)")
        return report


class migration_lock:
    """Session advisory lock, taken by polling pg_try_advisory_lock.

    Polling, not a blocking pg_advisory_lock: a waiter blocked inside a statement holds a snapshot,
    and CREATE INDEX CONCURRENTLY in the holder would wait for that snapshot forever (a deadlock).
    """

    def __init__(self, conn: Connection, timeout_seconds: float, progress: Progress) -> None:
        self.conn = conn
        self.timeout_seconds = timeout_seconds
        self.progress = progress

    def __enter__(self) -> None:
        params = {"lock_key": MIGRATION_LOCK_KEY}
        started = time.monotonic()
        last_report = started - LOCK_REPORT_EVERY_SECONDS
        while True:
            row = self.conn.execute(QUERIES["try_advisory_lock"], params).fetchone()
            if row and row[0]:
                return
            now = time.monotonic()
            if now - started >= self.timeout_seconds:
                raise LockTimeout(
                    f"another xferity-schema apply held the migration lock for over "
                    f"{self.timeout_seconds:g}s ({self._holder()}); retry, or raise --lock-timeout"
                )
            if now - last_report >= LOCK_REPORT_EVERY_SECONDS:
                self.progress(f"waiting for the migration lock ({self._holder()})")
                last_report = now
            time.sleep(LOCK_POLL_SECONDS)

    def __exit__(self, *exc_info: object) -> None:
        if self.conn.closed or self.conn.broken:
            return  # the server released the session lock with the session
        if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self.conn.rollback()
        self.conn.execute(QUERIES["advisory_unlock"], {"lock_key": MIGRATION_LOCK_KEY})

    def _holder(self) -> str:
        row = self.conn.execute(
            QUERIES["advisory_lock_holder"], {"lock_key": MIGRATION_LOCK_KEY}
        ).fetchone()
        if row is None:
            return "holder gone"
        pid, app, addr, _held = row
        return f"held by backend pid {pid}, {app or 'unknown client'} from {addr or 'local socket'}"


def _prepare_session(conn: Connection) -> None:
    # PG14+: a backend running a migration notices a killed client within a second and rolls
    # back, releasing the lock, instead of finishing a long statement first.
    if conn.info.server_version >= 140000:
        conn.execute(QUERIES["check_client_connection_every_second"])


def _apply_one(conn: Connection, migration: Migration, lock_timeout_ms: int) -> int:
    started = time.monotonic()
    if migration.transactional:
        with conn.transaction():
            if lock_timeout_ms > 0:
                conn.execute(
                    QUERIES["set_local_lock_timeout"],
                    {"lock_timeout": f"{lock_timeout_ms}ms"},
                )
            _run_statements(conn, migration)
            elapsed_ms = _elapsed_ms(started)
            _record(conn, migration, elapsed_ms)
    else:
        _run_statements(conn, migration)  # autocommit: e.g. CREATE INDEX CONCURRENTLY
        elapsed_ms = _elapsed_ms(started)
        with conn.transaction():
            _record(conn, migration, elapsed_ms)
    return elapsed_ms


def _run_statements(conn: Connection, migration: Migration, *, rollback: bool = False) -> None:
    """Run the migration's statements (or its rollback file's) one by one, so that a failure
    names the statement."""
    statements = migration.rollback_statements if rollback else migration.statements
    for index, text in enumerate(statements):
        try:
            conn.execute(statement(text))
        except psycopg.Error as exc:
            raise MigrationFailed(_failure_message(migration, index, text, exc, rollback)) from None


def _failure_message(
    migration: Migration, index: int, text: str, exc: psycopg.Error, rollback: bool
) -> str:
    first_line = " ".join(text.split())[:120]
    error = describe_database_error(exc)
    if exc.sqlstate == "55P03":
        error += " (another session holds a conflicting lock; retry when it is done, or raise "
        error += "--statement-lock-timeout)"
    if rollback:
        assert migration.rollback_path is not None
        where = migration.rollback_path.name
        outcome = (
            f"nothing was rolled back, {migration.id} stays applied"
            if migration.transactional
            else f"non-transactional: {migration.id} stays recorded as applied"
        )
    else:
        where = f"{migration.path.name}:{migration.statement_line(index)}"
        outcome = (
            "migration rolled back, nothing applied"
            if migration.transactional
            else "non-transactional migration: check for an INVALID index left behind"
        )
    return (
        f"{where}: statement {index + 1} failed: {error}; statement: {first_line}; {outcome}"
    )


def _record(conn: Connection, migration: Migration, elapsed_ms: int) -> None:
    conn.execute(
        QUERIES["record_migration"],
        {
            "migration_id": migration.id,
            "content_sha256": migration.content_sha256,
            "execution_ms": elapsed_ms,
            "toolkit_version": __version__,
        },
    )
    conn.execute(
        QUERIES["log_migration"],
        {
            "migration_id": migration.id,
            "operation": "apply",
            "content_sha256": migration.content_sha256,
            "client_host": socket.gethostname(),
        },
    )


def _tracking_tables_exist(conn: Connection) -> bool:
    row = conn.execute(QUERIES["tracking_table_exists"]).fetchone()
    return bool(row and row[0])


def _applied_migrations(conn: Connection) -> list[AppliedMigration]:
    if not _tracking_tables_exist(conn):
        return []
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(QUERIES["select_applied_migrations"])
        return [AppliedMigration(**row) for row in cur.fetchall()]


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def rollback_migration(
    conn: Connection,
    migration: Migration,
    *,
    lock_timeout_seconds: float = 300.0,
    progress: Progress = silent,
) -> int:
    """Undo the latest applied migration with its rollback file; return the elapsed ms.

    Under the migration lock, the rollback statements, the removal of the tracking row and a
    'rollback' log entry commit in one transaction. A non-transactional migration's rollback
    runs outside a transaction, like the migration did, and is recorded afterwards.
    """
    if migration.rollback_path is None or not migration.rollback_statements:
        raise MigrationSetError(f"{migration.path.name} has no rollback file")
    _prepare_session(conn)
    with migration_lock(conn, lock_timeout_seconds, progress):
        applied = _applied_migrations(conn)
        recorded = {a.migration_id: a for a in applied}
        if migration.id not in recorded:
            raise RollbackRefused(f"cannot roll back {migration.id}: it is not applied")
        latest = max(recorded)
        if latest != migration.id:
            raise RollbackRefused(
                f"cannot roll back {migration.id}: {latest} was applied after it; "
                f"roll that back first"
            )
        if recorded[migration.id].content_sha256 != migration.content_sha256:
            raise DriftDetected(
                f"{migration.path} changed after it was applied; its rollback file may not "
                f"match what the database holds"
            )
        started = time.monotonic()
        if migration.transactional:
            with conn.transaction():
                _run_statements(conn, migration, rollback=True)
                _forget(conn, migration)
        else:
            _run_statements(conn, migration, rollback=True)
            with conn.transaction():
                _forget(conn, migration)
        elapsed_ms = _elapsed_ms(started)
        progress(f"rolled back {migration.id} ({elapsed_ms} ms)")
        return elapsed_ms


def _forget(conn: Connection, migration: Migration) -> None:
    assert migration.rollback_path is not None
    conn.execute(QUERIES["forget_migration"], {"migration_id": migration.id})
    conn.execute(
        QUERIES["log_migration"],
        {
            "migration_id": migration.id,
            "operation": "rollback",
            "content_sha256": content_sha256(migration.rollback_path),
            "client_host": socket.gethostname(),
        },
    )
