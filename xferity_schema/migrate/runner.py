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
    OutOfOrder,
    PooledConnection,
    RollbackRefused,
    UsageError,
    describe_database_error,
)
from xferity_schema.core.progress import Progress, silent
from xferity_schema.core.queries import QueryFile, statement
from xferity_schema.migrate.files import ROLLBACK_SUFFIX, Migration

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
    out_of_order: bool = False
    rollback_sha256: str | None = None


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

    @property
    def latest_applied(self) -> AppliedMigration | None:
        """The applied migration with the highest number (what a pending one must come after)."""
        return max(self.applied, key=lambda a: a.migration_id, default=None)

    @property
    def out_of_order(self) -> list[Migration]:
        """Pending migrations numbered below the latest applied one."""
        latest = self.latest_applied
        if latest is None:
            return []
        return [m for m in self.pending if m.id < latest.migration_id]

    def refuse_out_of_order(self) -> None:
        pending = self.out_of_order
        if pending:
            latest = self.latest_applied
            assert latest is not None
            names = ", ".join(m.id for m in pending)
            raise OutOfOrder(
                f"pending migration {names} is numbered below {latest.migration_id}, which is "
                f"already applied: applying it now gives this database an order a fresh install "
                f"does not have; renumber it after {latest.migration_id}, or pass "
                f"--allow-out-of-order to apply it anyway (recorded as out of order)"
            )

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
    out_of_order: list[str] = field(default_factory=list)


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
    allow_out_of_order: bool = False,
    progress: Progress = silent,
) -> ApplyReport:
    """Apply every pending migration in order under the migration lock."""
    refuse_pooled_connection(conn)
    _prepare_session(conn)
    with migration_lock(conn, lock_timeout_seconds, progress):
        ensure_tracking_tables(conn)
        state = read_state(conn, migrations)
        state.refuse_if_unsafe()
        if not allow_out_of_order:
            state.refuse_out_of_order()
        for migration in state.pending:
            migration.check_statements()  # every pending one, before the first is applied
        out_of_order = {m.id for m in state.out_of_order}
        report = ApplyReport(already_up_to_date=not state.pending)
        for migration in state.pending:
            flagged = migration.id in out_of_order
            elapsed_ms = _apply_one(conn, migration, statement_lock_timeout_ms, flagged)
            report.applied.append((migration.id, elapsed_ms))
            if flagged:
                report.out_of_order.append(migration.id)
            note = ", out of order" if flagged else ""
            progress(f"applied {migration.id} ({elapsed_ms} ms{note})")
        return report


def ensure_tracking_tables(conn: Connection) -> None:
    """Create the tracking tables, or add the columns a newer toolkit records. Call under the
    migration lock: no other apply races the DDL."""
    with conn.transaction():
        if not _tracking_tables_exist(conn):
            conn.execute(QUERIES["create_tracking_tables"])
        row = conn.execute(QUERIES["missing_tracking_columns"]).fetchone()
        if row and row[0]:
            conn.execute(QUERIES["upgrade_tracking_tables"])


def refuse_pooled_connection(conn: Connection) -> None:
    """Refuse a connection whose statements may run in different server sessions.

    A pooler (PgBouncer in transaction mode and the like) hands each transaction to any server
    connection: a session advisory lock, a SET ROLE or a session setting would stay behind on a
    server connection other clients get next. Poolers announce their own backend pid at start-up,
    so it differs from the server session's pg_backend_pid(); a direct connection always matches.
    """
    row = conn.execute(QUERIES["backend_pid"]).fetchone()
    server_pid = int(str(row[0])) if row else -1
    if server_pid != conn.info.backend_pid:
        raise PooledConnection(
            f"{conn.info.host}:{conn.info.port} looks like a connection pooler (the server "
            f"session is pid {server_pid}, the connection announced {conn.info.backend_pid}): "
            f"migrations need one server session for the whole run; connect directly to "
            f"PostgreSQL, not through PgBouncer or another pooler"
        )


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
        pid, app, host, port = row
        client = app or "unknown client"
        return f"held by backend pid {pid}, {client} from {client_origin(host, port)}"


def client_origin(host: object, port: object) -> str:
    """Where a session's client connects from, as pg_stat_activity tells it."""
    if port == -1:
        return "local socket"
    if host is None or port is None:
        return "a client address this role may not see"
    text = str(host)
    return f"[{text}]:{port}" if ":" in text else f"{text}:{port}"


def _prepare_session(conn: Connection) -> None:
    # PG14+: a backend running a migration notices a killed client within a second and rolls
    # back, releasing the lock, instead of finishing a long statement first.
    if conn.info.server_version >= 140000:
        conn.execute(QUERIES["check_client_connection_every_second"])


def _apply_one(
    conn: Connection, migration: Migration, lock_timeout_ms: int, out_of_order: bool
) -> int:
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
            _record(conn, migration, elapsed_ms, out_of_order)
    else:
        _run_statements(conn, migration)  # autocommit: e.g. CREATE INDEX CONCURRENTLY
        elapsed_ms = _elapsed_ms(started)
        with conn.transaction():
            _record(conn, migration, elapsed_ms, out_of_order)
    return elapsed_ms


def _run_statements(conn: Connection, migration: Migration, *, rollback: bool = False) -> None:
    """Run the migration's statements (or its rollback file's) one by one, so that a failure
    names the statement."""
    statements = migration.rollback_statements if rollback else migration.statements
    for index, text in enumerate(statements):
        try:
            conn.execute(statement(text))
        except psycopg.Error as exc:
            raise MigrationFailed(
                _failure_message(conn, migration, index, text, exc, rollback)
            ) from None


def _failure_message(
    conn: Connection,
    migration: Migration,
    index: int,
    text: str,
    exc: psycopg.Error,
    rollback: bool,
) -> str:
    first_line = " ".join(text.split()).rstrip(";").rstrip()[:120]
    error = describe_database_error(exc).rstrip(";")
    if exc.sqlstate == "55P03":
        error += " (another session holds a conflicting lock; retry when it is done, or raise "
        error += "--statement-lock-timeout)"
    lost = conn.closed or conn.broken
    if rollback:
        assert migration.rollback_path is not None
        where = migration.rollback_path.name
        if lost:
            outcome = (
                f"the connection was lost, so whether {migration.id} stays applied is unknown: "
                f"run xferity-schema status"
            )
        elif migration.transactional:
            outcome = f"nothing was rolled back, {migration.id} stays applied"
        else:
            outcome = f"non-transactional: {migration.id} stays recorded as applied"
    else:
        where = f"{migration.path.name}:{migration.statement_line(index)}"
        if lost:
            outcome = (
                f"the connection was lost, so whether {migration.id} committed is unknown: "
                f"run xferity-schema status"
            )
        elif migration.transactional:
            outcome = "migration rolled back, nothing applied"
        else:
            outcome = "non-transactional migration: check for an INVALID index left behind"
    return f"{where}: statement {index + 1} failed: {error}; statement: {first_line}; {outcome}"


def _record(conn: Connection, migration: Migration, elapsed_ms: int, out_of_order: bool) -> None:
    conn.execute(
        QUERIES["record_migration"],
        {
            "migration_id": migration.id,
            "content_sha256": migration.content_sha256,
            "execution_ms": elapsed_ms,
            "toolkit_version": __version__,
            "out_of_order": out_of_order,
            "rollback_sha256": migration.rollback_sha256,
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
        return [
            AppliedMigration(
                migration_id=row["migration_id"],
                content_sha256=row["content_sha256"],
                applied_at=row["applied_at"],
                applied_by=row["applied_by"],
                execution_ms=row["execution_ms"],
                out_of_order=bool(row.get("out_of_order", False)),
                rollback_sha256=row.get("rollback_sha256"),
            )
            for row in cur.fetchall()
        ]


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


@dataclass(frozen=True)
class RollbackPlan:
    """What a rollback will undo, newest first."""

    steps: tuple[Migration, ...]
    remaining: str | None  # the newest migration left applied afterwards


@dataclass
class RollbackReport:
    rolled_back: list[tuple[str, int]] = field(default_factory=list)  # (migration id, ms)
    remaining: str | None = None


def plan_rollback(
    conn: Connection,
    migrations: Sequence[Migration],
    *,
    to: str | None = None,
    steps: int | None = None,
) -> RollbackPlan:
    """The migrations to undo, newest-applied first: every one applied after `to`, or the newest
    `steps`. Refuses, before anything changes, when one of them has no rollback file, or its
    migration or rollback file changed since it was applied."""
    if (to is None) == (steps is None):
        raise UsageError("give exactly one of --to ID or --steps N")
    applied = sorted(
        _applied_migrations(conn), key=lambda a: (a.applied_at, a.migration_id), reverse=True
    )
    if to is not None:
        ids = [a.migration_id for a in applied]
        if to not in ids:
            raise RollbackRefused(f"cannot roll back to {to}: it is not applied")
        selected = applied[: ids.index(to)]
    else:
        assert steps is not None
        if steps < 1:
            raise UsageError("--steps must be 1 or more")
        if steps > len(applied):
            raise RollbackRefused(
                f"cannot roll back {steps} migration(s): only {len(applied)} are applied"
            )
        selected = applied[:steps]
    files = {m.id: m for m in migrations}
    plan: list[Migration] = []
    for record in selected:
        migration = files.get(record.migration_id)
        if migration is None:
            raise RollbackRefused(
                f"cannot roll back {record.migration_id}: no such migration file here "
                f"(the database is ahead of these files); nothing was rolled back"
            )
        _check_rollback_file(migration, record)
        plan.append(migration)
    remaining = applied[len(selected)].migration_id if len(applied) > len(selected) else None
    return RollbackPlan(tuple(plan), remaining)


def _check_rollback_file(migration: Migration, record: AppliedMigration) -> None:
    if migration.rollback_path is None:
        raise RollbackRefused(
            f"cannot roll back {migration.id}: {migration.id}{ROLLBACK_SUFFIX} is missing; "
            f"nothing was rolled back"
        )
    if record.content_sha256 != migration.content_sha256:
        raise DriftDetected(
            f"cannot roll back {migration.id}: {migration.path.name} changed after it was "
            f"applied, so its rollback file may not match what the database holds; nothing was "
            f"rolled back"
        )
    if record.rollback_sha256 is not None and record.rollback_sha256 != migration.rollback_sha256:
        raise DriftDetected(
            f"cannot roll back {migration.id}: {migration.rollback_path.name} changed after "
            f"the migration was applied (recorded sha256 {record.rollback_sha256[:12]}…, file "
            f"now {(migration.rollback_sha256 or '')[:12]}…); nothing was rolled back"
        )
    if not migration.rollback_statements:
        raise RollbackRefused(
            f"cannot roll back {migration.id}: {migration.rollback_path.name} holds no SQL "
            f"statement; nothing was rolled back"
        )


def rollback_migrations(
    conn: Connection,
    migrations: Sequence[Migration],
    *,
    to: str | None = None,
    steps: int | None = None,
    lock_timeout_seconds: float = 300.0,
    progress: Progress = silent,
) -> RollbackReport:
    """Run rollback files newest-first under the migration lock, each in its own transaction
    with the removal of its tracking row and a 'rollback' log row. The plan is checked whole
    before the first one runs; a failure stops the run and names what was already undone."""
    refuse_pooled_connection(conn)
    _prepare_session(conn)
    with migration_lock(conn, lock_timeout_seconds, progress):
        ensure_tracking_tables(conn)
        plan = plan_rollback(conn, migrations, to=to, steps=steps)
        report = RollbackReport(remaining=plan.remaining)
        for index, migration in enumerate(plan.steps):
            try:
                elapsed_ms = _rollback_one(conn, migration)
            except MigrationFailed as exc:
                done = ", ".join(i for i, _ in report.rolled_back) or "nothing"
                newest = plan.steps[index].id
                raise MigrationFailed(
                    f"{exc}; already rolled back: {done}; {newest} is now the newest applied"
                    if report.rolled_back
                    else str(exc)
                ) from None
            report.rolled_back.append((migration.id, elapsed_ms))
            progress(f"rolled back {migration.id} ({elapsed_ms} ms)")
        return report


def rollback_migration(
    conn: Connection,
    migration: Migration,
    *,
    lock_timeout_seconds: float = 300.0,
    progress: Progress = silent,
) -> int:
    """Undo the latest applied migration with its rollback file; return the elapsed ms."""
    if migration.rollback_path is None or not migration.rollback_statements:
        raise MigrationSetError(f"{migration.path.name} has no rollback file")
    refuse_pooled_connection(conn)
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
        _check_rollback_file(migration, recorded[migration.id])
        elapsed_ms = _rollback_one(conn, migration)
        progress(f"rolled back {migration.id} ({elapsed_ms} ms)")
        return elapsed_ms


def _rollback_one(conn: Connection, migration: Migration) -> int:
    """A non-transactional migration's rollback runs outside a transaction, like the migration
    did, and is recorded afterwards."""
    started = time.monotonic()
    if migration.transactional:
        with conn.transaction():
            _run_statements(conn, migration, rollback=True)
            _forget(conn, migration)
    else:
        _run_statements(conn, migration, rollback=True)
        with conn.transaction():
            _forget(conn, migration)
    return _elapsed_ms(started)


def _forget(conn: Connection, migration: Migration) -> None:
    assert migration.rollback_sha256 is not None
    conn.execute(QUERIES["forget_migration"], {"migration_id": migration.id})
    conn.execute(
        QUERIES["log_migration"],
        {
            "migration_id": migration.id,
            "operation": "rollback",
            "content_sha256": migration.rollback_sha256,
            "client_host": socket.gethostname(),
        },
    )
