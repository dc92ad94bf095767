"""The upgrade check: every older schema upgrades to the current one, with its data.

For one server:
1. a fresh install of the current migrations, snapshotted after each migration;
2. for each starting point (every prefix of the history, plus named releases): a scratch
   database at that version with the demo data valid then, upgraded with the current files,
   compared with the fresh install, and its demo data compared with what was loaded;
3. where rollback files exist, on a fully migrated database: roll back from the newest
   migration down, each rollback compared with the snapshot before that migration, then
   re-apply everything and compare with the fresh install. No demo data here: a rollback may
   rightly refuse to drop a table that still holds rows.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import psycopg

from xferity_schema.compare.data_sample import compare_data, keys_still_there, sample_data
from xferity_schema.compare.diff import diff_snapshots
from xferity_schema.compare.snapshot import SchemaSnapshot, snapshot_schema
from xferity_schema.core.db import Connection
from xferity_schema.core.errors import XferitySchemaError, describe_database_error
from xferity_schema.core.progress import Progress, silent
from xferity_schema.migrate.demo import load_demo_data
from xferity_schema.migrate.files import Migration
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.servers.scratch import ScratchServer
from xferity_schema.upgrade.migrators import Migrator, RoleModelMigrator, SuperuserMigrator
from xferity_schema.upgrade.points import StartingPoint
from xferity_schema.upgrade.report import CheckResult, ServerReport

T = TypeVar("T")


@dataclass
class _Context:
    server: ScratchServer
    current: list[Migration]
    demo_dir: Path | None
    progress: Progress
    migrator: Migrator
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    counter: int = 0

    def database_name(self, purpose: str) -> str:
        self.counter += 1
        return f"xferity_upg_{self.token}_{self.counter:03d}_{purpose}"[:63]

    @contextmanager
    def database(self, purpose: str) -> Iterator[tuple[str, Connection]]:
        name = self.database_name(purpose)
        dsn = self.server.create_database(name)
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                yield name, conn
        finally:
            self.server.drop_database(name)

    def apply(self, dbname: str, migrations: Sequence[Migration]) -> None:
        self.migrator.apply(self.server, dbname, migrations)


def check_upgrade(
    server: ScratchServer,
    current: Sequence[Migration],
    starting_points: Sequence[StartingPoint],
    *,
    demo_dir: Path | None,
    progress: Progress = silent,
    migrator: Migrator | None = None,
    rollbacks: bool = True,
) -> ServerReport:
    """Run every check on one server; never raises for a failing check, only records it.

    The fresh install, the upgrades' remaining migrations and the rollbacks are applied by
    `migrator` (default: the role model's least-privilege migrator); starting points are built
    by the superuser, as an older install may have been."""
    chosen: Migrator = migrator or RoleModelMigrator()
    with chosen.on_server(server, progress):
        return _check_upgrade(
            server, current, starting_points, demo_dir, progress, chosen, rollbacks
        )


def _check_upgrade(
    server: ScratchServer,
    current: Sequence[Migration],
    starting_points: Sequence[StartingPoint],
    demo_dir: Path | None,
    progress: Progress,
    migrator: Migrator,
    rollbacks: bool,
) -> ServerReport:
    started = time.monotonic()
    with psycopg.connect(server.superuser_dsn(), autocommit=True) as conn:
        version = conn.info.parameter_status("server_version") or "?"
    report = ServerReport(server.description, version)
    context = _Context(server, list(current), demo_dir, progress, migrator)
    total = len(starting_points) + 1

    fresh = CheckResult(f"fresh install ({len(current)} migrations)", "fresh install")
    snapshots = _timed(fresh, lambda: _fresh_install(context, fresh))
    report.results.append(fresh)
    progress(f"[1/{total}] {fresh.name}: {fresh.status} ({fresh.seconds:.1f}s)")

    for index, point in enumerate(starting_points, start=2):
        result = CheckResult(f"from {point.label}", "upgrade")
        if snapshots is None:
            result.skip("not run: the fresh install failed")
        else:
            _timed(result, partial(_upgrade_from, context, point, result, snapshots[-1]))
        report.results.append(result)
        progress(f"[{index}/{total}] {result.name}: {result.status} ({result.seconds:.1f}s)")
        for line in result.details():
            progress(f"    {line}")

    if rollbacks and snapshots is not None and any(m.rollback_path for m in current):
        for result in _rollback_round_trip(context, snapshots):
            report.results.append(result)
            progress(f"{result.name}: {result.status} ({result.seconds:.1f}s)")
            for line in result.details():
                progress(f"    {line}")
    report.seconds = time.monotonic() - started
    return report


def _timed(result: CheckResult, action: Callable[[], T]) -> T:
    started = time.monotonic()
    try:
        return action()
    finally:
        result.seconds = time.monotonic() - started


def _problem(stage: str, exc: Exception) -> str:
    if isinstance(exc, psycopg.Error):
        return f"{stage}: database error: {describe_database_error(exc)}"
    return f"{stage}: {exc}"


def _fresh_install(context: _Context, result: CheckResult) -> list[SchemaSnapshot] | None:
    """Apply the current migrations one by one; the snapshot after each (index k: after k)."""
    with context.database("fresh") as (dbname, conn):
        snapshots: list[SchemaSnapshot] = []
        try:
            for k in range(len(context.current) + 1):
                context.apply(dbname, context.current[:k])
                snapshots.append(snapshot_schema(conn))
        except (XferitySchemaError, psycopg.Error) as exc:
            result.fail(_problem("fresh install", exc))
            return None
        for problem in context.migrator.check_roles(context.server, dbname):
            result.fail(f"after the fresh install: {problem}")
        return snapshots


def _load_demo(conn: Connection, point: StartingPoint, current_demo: Path | None) -> None:
    """The demo files of the starting point's migrations; its own sql/demo where it has them."""
    for migration_id in point.migration_ids:
        own = point.demo_dir / f"{migration_id}.sql" if point.demo_dir else None
        directory = point.demo_dir if own is not None and own.exists() else current_demo
        if directory is not None:
            load_demo_data(conn, [migration_id], directory=directory)


def _upgrade_from(
    context: _Context, point: StartingPoint, result: CheckResult, fresh: SchemaSnapshot
) -> None:
    with context.database("upgrade") as (dbname, conn):
        stage = "building the starting point"
        try:
            if point.migrations:
                apply_migrations(conn, point.migrations)
            stage = "loading its demo data"
            _load_demo(conn, point, context.demo_dir)
            before = sample_data(conn)
            stage = "upgrading with the current migrations"
            context.apply(dbname, context.current)
            stage = "comparing"
            result.diff = diff_snapshots(fresh, snapshot_schema(conn), "fresh", "upgraded")
            after = sample_data(conn, keys=keys_still_there(before, conn))
        except (XferitySchemaError, psycopg.Error) as exc:
            result.fail(_problem(stage, exc))
            return
        for problem in compare_data(before, after):
            result.fail(problem)
        for problem in context.migrator.check_roles(context.server, dbname):
            result.fail(f"after the upgrade: {problem}")
        if not result.diff.equal:
            result.passed = False


def _rollback_round_trip(context: _Context, snapshots: list[SchemaSnapshot]) -> list[CheckResult]:
    """Roll back from the newest migration down while rollback files exist, each compared with
    the snapshot before that migration; then re-apply everything and compare with fresh."""
    results: list[CheckResult] = []
    current = context.current
    with context.database("rollback") as (dbname, conn):
        setup = CheckResult("rollback setup (fresh install)", "rollback")
        try:
            _timed(setup, partial(context.apply, dbname, current))
        except (XferitySchemaError, psycopg.Error) as exc:
            setup.fail(_problem("setup", exc))
            return [setup]
        broken = False
        for k in range(len(current), 0, -1):
            migration = current[k - 1]
            result = CheckResult(f"rollback {migration.id}", "rollback")
            results.append(result)
            if migration.rollback_path is None:
                result.skip("no rollback file: older migrations cannot be rolled back past it")
                break
            if broken:
                result.skip("not run: a newer rollback failed")
                continue
            broken = not _timed(
                result,
                partial(_rollback_one, context, dbname, conn, migration, result, snapshots, k),
            )
        reapply = CheckResult("re-apply after the rollbacks", "re-apply")
        results.append(reapply)
        _timed(reapply, lambda: _reapply(context, dbname, conn, reapply, snapshots[-1]))
    return results


def _rollback_one(
    context: _Context,
    dbname: str,
    conn: Connection,
    migration: Migration,
    result: CheckResult,
    snapshots: list[SchemaSnapshot],
    k: int,
) -> bool:
    try:
        context.migrator.rollback(context.server, dbname, migration)
        result.diff = diff_snapshots(
            snapshots[k - 1], snapshot_schema(conn), f"before {migration.id}", "rolled back"
        )
    except (XferitySchemaError, psycopg.Error) as exc:
        result.fail(_problem("rollback", exc))
        return False
    if not result.diff.equal:
        result.passed = False
        return False
    return True


def _reapply(
    context: _Context,
    dbname: str,
    conn: Connection,
    result: CheckResult,
    fresh: SchemaSnapshot,
) -> None:
    try:
        context.apply(dbname, context.current)
        result.diff = diff_snapshots(fresh, snapshot_schema(conn), "fresh", "re-applied")
    except (XferitySchemaError, psycopg.Error) as exc:
        result.fail(_problem("re-apply", exc))
        return
    if not result.diff.equal:
        result.passed = False


# -- verify -------------------------------------------------------------------------------------
def expected_snapshot(
    server: ScratchServer,
    migrations: Sequence[Migration],
    *,
    migrator: Migrator | None = None,
    role_aliases: Mapping[str, str] | None = None,
    progress: Progress = silent,
) -> SchemaSnapshot:
    """What `migrations` produce: applied by `migrator` (default: the superuser) to a scratch
    database on `server`, snapshotted with `role_aliases`."""
    chosen: Migrator = migrator or SuperuserMigrator()
    name = f"xferity_verify_{uuid.uuid4().hex[:10]}"
    with chosen.on_server(server, progress):
        dsn = server.create_database(name)
        try:
            chosen.apply(server, name, migrations)
            with psycopg.connect(dsn, autocommit=True) as conn:
                return snapshot_schema(conn, role_aliases=role_aliases)
        finally:
            server.drop_database(name)
