"""What every command does first: resolve the target, connect, read the migration set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xferity_schema.core.db import Connection, connect
from xferity_schema.core.paths import migrations_dir as default_migrations_dir
from xferity_schema.core.progress import Progress
from xferity_schema.core.settings import ConnectionTarget, resolve_target
from xferity_schema.migrate.files import Migration, read_migration_set
from xferity_schema.migrate.owner import apply_as_owner
from xferity_schema.migrate.runner import (
    ApplyReport,
    MigrationState,
    read_state,
)
from xferity_schema.servers import embedded


@dataclass
class CommandSession:
    target: ConnectionTarget
    conn: Connection
    migrations: list[Migration]
    progress: Progress

    def state(self) -> MigrationState:
        return read_state(self.conn, self.migrations)

    def apply(
        self, lock_timeout_seconds: float, owner_role: str, statement_lock_timeout_ms: int
    ) -> ApplyReport:
        return apply_as_owner(
            self.conn,
            self.migrations,
            owner_role,
            self.progress,
            lock_timeout_seconds=lock_timeout_seconds,
            statement_lock_timeout_ms=statement_lock_timeout_ms,
        )


@contextmanager
def open_session(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    progress: Progress,
) -> Iterator[CommandSession]:
    migrations = read_migration_set(migrations_dir or default_migrations_dir())
    target = resolve_target(dsn, config_path)
    for warning in target.warnings if target else ():
        progress(warning)
    if target is None:
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
