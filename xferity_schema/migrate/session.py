"""What every command does first: resolve the target, connect, read the migration set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xferity_schema.core.db import Connection, connect
from xferity_schema.core.errors import MigrationSetError
from xferity_schema.core.paths import migrations_dir as default_migrations_dir
from xferity_schema.core.progress import Progress
from xferity_schema.core.settings import ConnectionTarget, resolve_target
from xferity_schema.migrate.files import Migration, numbering_gaps, read_migration_set
from xferity_schema.migrate.owner import apply_as_owner, become_owner
from xferity_schema.migrate.runner import (
    ApplyReport,
    MigrationState,
    RollbackPlan,
    RollbackReport,
    plan_rollback,
    read_state,
    refuse_pooled_connection,
    rollback_migrations,
)


@dataclass
class CommandSession:
    target: ConnectionTarget
    conn: Connection
    migrations: list[Migration]
    progress: Progress

    def gap_warnings(self) -> list[str]:
        """One line per place where the migration numbers skip (a file missing, or unmerged)."""
        directory = self.migrations[0].path.parent if self.migrations else None
        return [
            f"warning: migration numbers skip from {after:04d} to {before:04d} in {directory} "
            f"(a file missing, or not yet merged?)"
            for after, before in numbering_gaps(self.migrations)
        ]

    def state(self) -> MigrationState:
        return read_state(self.conn, self.migrations)

    def apply(
        self,
        lock_timeout_seconds: float,
        owner_role: str,
        statement_lock_timeout_ms: int,
        allow_out_of_order: bool = False,
    ) -> ApplyReport:
        refuse_pooled_connection(self.conn)  # before SET ROLE: nothing may leak into a pool
        return apply_as_owner(
            self.conn,
            self.migrations,
            owner_role,
            self.progress,
            lock_timeout_seconds=lock_timeout_seconds,
            statement_lock_timeout_ms=statement_lock_timeout_ms,
            allow_out_of_order=allow_out_of_order,
        )

    def plan_rollback(self, to: str | None, steps: int | None) -> RollbackPlan:
        return plan_rollback(self.conn, self.migrations, to=to, steps=steps)

    def rollback(
        self, to: str | None, steps: int | None, lock_timeout_seconds: float, owner_role: str
    ) -> RollbackReport:
        refuse_pooled_connection(self.conn)
        become_owner(self.conn, owner_role, self.progress)
        return rollback_migrations(
            self.conn,
            self.migrations,
            to=to,
            steps=steps,
            lock_timeout_seconds=lock_timeout_seconds,
            progress=self.progress,
        )


@contextmanager
def open_session(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    progress: Progress,
) -> Iterator[CommandSession]:
    directory = migrations_dir or default_migrations_dir()
    migrations = read_migration_set(directory)
    if not migrations:
        raise MigrationSetError(
            f"no migration files in {directory} (wrong --migrations-dir?); nothing to compare "
            f"the database with"
        )
    target = resolve_target(dsn, config_path)
    for warning in target.warnings if target else ():
        progress(warning)
    if target is None:
        from xferity_schema.servers import embedded  # deferred: only when nothing is configured

        target, started = embedded.ensure_embedded_server()
        verb = "started" if started else "reusing"
        progress(
            f"{verb} the embedded DEVELOPMENT server (not for production), data in "
            f"{embedded.embedded_server().data_dir}"
        )
        progress(f"connect with: {target.redacted()}")
    conn = connect(target)
    try:
        yield CommandSession(target, conn, migrations, progress)
    finally:
        conn.close()
