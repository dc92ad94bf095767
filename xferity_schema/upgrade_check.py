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

import json
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from xferity_schema.catalog import SCHEMA, SchemaSnapshot, snapshot_schema
from xferity_schema.demo import load_demo_data
from xferity_schema.errors import XferitySchemaError
from xferity_schema.migration_set import Migration, read_migration_set
from xferity_schema.migrator import Connection, apply_migrations
from xferity_schema.queries import load_query
from xferity_schema.schema_diff import SchemaDiff, diff_snapshots
from xferity_schema.scratch import ScratchServer
from xferity_schema.upgrade_migrators import Migrator, RoleModelMigrator

TRACKING_TABLES = ("schema_migrations", "schema_migration_log")
SAMPLE_ROWS = 5
T = TypeVar("T")
Progress = Callable[[str], None]


class UpgradeCheckError(XferitySchemaError):
    """A starting point could not be prepared (bad git ref, missing directory)."""


# -- starting points ----------------------------------------------------------------------------
@dataclass(frozen=True)
class StartingPoint:
    """Where an upgrade starts: these migration files applied, with their demo data."""

    label: str
    migrations: tuple[Migration, ...]
    demo_dir: Path | None  # demo files of the starting point's own sql/, when it has them

    @property
    def migration_ids(self) -> list[str]:
        return [m.id for m in self.migrations]


def prefix_starting_points(
    current: Sequence[Migration], demo_dir: Path | None
) -> list[StartingPoint]:
    """Every prefix of the history: nothing applied, then 1 … N-1 migrations applied."""
    points = [StartingPoint("empty database", (), demo_dir)]
    for k in range(1, len(current)):
        points.append(StartingPoint(f"after {current[k - 1].id}", tuple(current[:k]), demo_dir))
    return points


def directory_starting_point(directory: Path) -> StartingPoint:
    """A released package's `sql/` (or its `sql/migrations`)."""
    migrations_dir = directory / "migrations" if (directory / "migrations").is_dir() else directory
    if not migrations_dir.is_dir():
        raise UpgradeCheckError(f"--from-dir {directory}: no such directory")
    migrations = read_migration_set(migrations_dir)
    demo = migrations_dir.parent / "demo"
    last = migrations[-1].id if migrations else "no migrations"
    return StartingPoint(
        f"{directory} ({last})", tuple(migrations), demo if demo.is_dir() else None
    )


def git_ref_starting_point(ref: str, sql_dir: Path, workdir: Path) -> StartingPoint:
    """The sql/ of a git ref of the repository holding `sql_dir`, extracted into `workdir`."""
    top = _git(sql_dir, "rev-parse", "--show-toplevel").strip()
    relative = sql_dir.resolve().relative_to(Path(top).resolve()).as_posix()
    archive = subprocess.run(
        ["git", "-C", top, "archive", "--format=tar", ref, "--", f"{relative}/migrations"]
        + ([f"{relative}/demo"] if _git_has_path(top, ref, f"{relative}/demo") else []),
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip().splitlines()
        raise UpgradeCheckError(
            f"--from {ref}: git archive failed: {message[-1] if message else 'unknown error'}"
        )
    target = workdir / f"ref-{uuid.uuid4().hex[:8]}"
    target.mkdir(parents=True)
    with tempfile.TemporaryFile() as buffer:
        buffer.write(archive.stdout)
        buffer.seek(0)
        with tarfile.open(fileobj=buffer, mode="r:") as tar:
            tar.extractall(target, filter="data")
    point = directory_starting_point(target / relative)
    last = point.migrations[-1].id if point.migrations else "no migrations"
    return StartingPoint(f"git ref {ref} ({last})", point.migrations, point.demo_dir)


def _git(where: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(where), *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise UpgradeCheckError(f"git {args[0]} in {where}: {detail[-1] if detail else 'failed'}")
    return result.stdout


def _git_has_path(top: str, ref: str, path: str) -> bool:
    result = subprocess.run(
        ["git", "-C", top, "cat-file", "-e", f"{ref}:{path}"], capture_output=True, check=False
    )
    return result.returncode == 0


# -- results ------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    name: str
    kind: str  # "fresh install" | "upgrade" | "rollback" | "re-apply"
    passed: bool = True
    skipped: bool = False
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    diff: SchemaDiff | None = None

    def fail(self, problem: str) -> None:
        self.passed = False
        self.problems.append(problem)

    def skip(self, reason: str) -> None:
        """Not run, and not a failure of its own (the reason names what stopped it)."""
        self.skipped = True
        self.problems.append(reason)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skip"
        return "pass" if self.passed else "FAIL"

    def details(self) -> list[str]:
        lines = list(self.problems)
        if self.diff is not None and not self.diff.equal:
            lines.append(f"schema differs ({self.diff.left_label} vs {self.diff.right_label}):")
            lines += [f"  {d.text}" for d in self.diff.differences]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "passed": self.passed,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "problems": self.problems,
            "differences": [d.to_json() for d in self.diff.differences] if self.diff else [],
        }


@dataclass
class ServerReport:
    server: str
    version: str
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "version": self.version,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "checks": [r.to_json() for r in self.results],
        }


@dataclass
class UpgradeReport:
    servers: list[ServerReport] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.servers)

    def to_json_text(self) -> str:
        return json.dumps(
            {"passed": self.passed, "servers": [s.to_json() for s in self.servers]}, indent=2
        )

    def render(self) -> str:
        lines: list[str] = []
        for report in self.servers:
            lines.append(f"PostgreSQL {report.version} ({report.server}):")
            width = max((len(r.name) for r in report.results), default=10)
            for result in report.results:
                lines.append(f"  {result.name:<{width}}  {result.status:<4} {result.seconds:6.1f}s")
                lines += [f"      {line}" for line in result.details()]
            failed = sum(1 for r in report.results if not r.passed)
            skipped = sum(1 for r in report.results if r.skipped and r.passed)
            lines.append(
                f"  {len(report.results)} checks: {len(report.results) - failed - skipped} "
                f"passed, {failed} failed, {skipped} skipped ({report.seconds:.1f}s)"
            )
        lines.append("upgrade check passed" if self.passed else "upgrade check FAILED")
        return "\n".join(lines)


# -- demo data ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSample:
    row_count: int
    key: tuple[str, ...]  # primary key columns; empty: rows are counted, not compared
    rows: tuple[dict[str, Any], ...]


def sample_data(
    conn: Connection,
    schema: str = SCHEMA,
    keys: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, TableSample]:
    """Row count of every table, and its first rows by primary key (or by `keys[table]`)."""
    samples: dict[str, TableSample] = {}
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(load_query("catalog/data_tables"), {"schema": schema})
        tables = [
            (str(r["table_name"]), tuple(r["key_columns"]))
            for r in cur.fetchall()
            if r["table_name"] not in TRACKING_TABLES  # their rows record migrations, not data
        ]
    for table, primary_key in tables:
        identifier = sql.Identifier(schema, table)
        count_row = conn.execute(
            load_query("catalog/count_rows").format(table=identifier)
        ).fetchone()
        key = (keys or {}).get(table, primary_key)
        rows: list[dict[str, Any]] = []
        if key:
            query = load_query("catalog/sample_rows").format(
                table=identifier, key=sql.SQL(", ").join(sql.Identifier(c) for c in key)
            )
            fetched = conn.execute(query, {"limit": SAMPLE_ROWS}).fetchall()
            rows = [cast(dict[str, Any], r[0]) for r in fetched]
        count = cast(int, count_row[0]) if count_row else 0
        samples[table] = TableSample(count, key, tuple(rows))
    return samples


def compare_data(
    before: dict[str, TableSample], after: dict[str, TableSample], schema: str = SCHEMA
) -> list[str]:
    """What happened to the demo data: lost tables, changed row counts, changed values in the
    columns that still exist."""
    problems: list[str] = []
    for table, was in sorted(before.items()):
        name = f"{schema}.{table}"
        now = after.get(table)
        if now is None:
            if was.row_count:
                problems.append(f"demo data: table {name} ({was.row_count} rows) is gone")
            continue
        if now.row_count != was.row_count:
            problems.append(f"demo data: {name} had {was.row_count} rows, now {now.row_count}")
            continue
        if now.key != was.key:
            continue  # the old key is gone: rows can no longer be matched, only counted
        for old_row, new_row in zip(was.rows, now.rows, strict=False):
            key_text = ", ".join(f"{c}={old_row.get(c)}" for c in was.key)
            changed = [
                column
                for column in old_row
                if column in new_row and _as_text(old_row[column]) != _as_text(new_row[column])
            ]
            for column in changed:
                problems.append(
                    f"demo data: {name} ({key_text}): {column} was {_as_text(old_row[column])}, "
                    f"now {_as_text(new_row[column])}"
                )
    return problems


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _keys_still_there(
    before: dict[str, TableSample], conn: Connection
) -> dict[str, tuple[str, ...]]:
    """Sample the upgraded tables by the old key where its columns still exist."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(load_query("catalog/data_tables"), {"schema": SCHEMA})
        columns = {str(r["table_name"]): set(r["column_names"]) for r in cur.fetchall()}
    return {
        table: sample.key
        for table, sample in before.items()
        if sample.key and set(sample.key) <= columns.get(table, set())
    }


# -- the check ----------------------------------------------------------------------------------
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
    progress: Progress = lambda _line: None,
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
        first = (exc.diag.message_primary or str(exc)).splitlines()[0]
        code = f" [SQLSTATE {exc.sqlstate}]" if exc.sqlstate else ""
        return f"{stage}: database error: {first}{code}"
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
            after = sample_data(conn, keys=_keys_still_there(before, conn))
        except (XferitySchemaError, psycopg.Error) as exc:
            result.fail(_problem(stage, exc))
            return
        for problem in compare_data(before, after):
            result.fail(problem)
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
def expected_snapshot(server: ScratchServer, migrations: Sequence[Migration]) -> SchemaSnapshot:
    """What `migrations` produce: applied to a scratch database on `server`, snapshotted."""
    name = f"xferity_verify_{uuid.uuid4().hex[:10]}"
    dsn = server.create_database(name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            apply_migrations(conn, migrations)
            return snapshot_schema(conn)
    finally:
        server.drop_database(name)
