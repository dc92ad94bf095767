"""`apply` against a real server: concurrency, SIGKILL, atomic bookkeeping, drift, ahead,
idempotence, dry run and non-transactional migrations."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psycopg
import pytest

from tests.support.cli import run_cli, spawn_cli, write_migrations
from tests.support.migration_sets import BASE_SET
from tests.support.waiting import wait_for
from xferity_schema.migrate.runner import MIGRATION_LOCK_KEY


def scalar(dsn: str, query: str, params: tuple[object, ...] | None = None) -> object:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(query, params).fetchone()
        return None if row is None else row[0]


def table_exists(dsn: str, name: str) -> bool:
    return bool(scalar(dsn, "SELECT to_regclass(%s) IS NOT NULL", (name,)))


def test_apply_then_second_apply_is_a_no_op(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    first = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert first.exit_code == 0, first.stderr
    for name in ("0001_bootstrap", "0002_counter", "0003_widgets"):
        assert f"applied {name} (" in first.stdout
    assert " ms)" in first.stdout

    second = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert second.exit_code == 0
    assert "nothing to apply" in second.stdout
    assert scalar(fresh_db, "SELECT count(*) FROM xferity.schema_migration_log") == 3
    assert scalar(fresh_db, "SELECT count(*) FROM xferity.apply_counter") == 1


def test_eight_concurrent_applies_apply_each_migration_once(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    processes = [
        spawn_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations)) for _ in range(8)
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]  # type: ignore[union-attr]
    for code, _out, err in outcomes:
        assert code == 0, err
    assert "Traceback" not in "".join(err for _, _, err in outcomes)
    assert scalar(fresh_db, "SELECT count(*) FROM xferity.schema_migrations") == 3
    assert (
        scalar(
            fresh_db,
            "SELECT count(*) FROM xferity.schema_migration_log WHERE operation = 'apply'",
        )
        == 3
    )
    assert scalar(fresh_db, "SELECT count(*) FROM xferity.apply_counter") == 1
    applied_by_processes = sum(out.count("applied 000") for _, out, _ in outcomes)
    assert applied_by_processes == 3


def test_sigkilled_apply_leaves_nothing_that_blocks_the_next(
    fresh_db: str, tmp_path: Path, pg_server: object
) -> None:
    if pg_server.major_version < 14:  # type: ignore[attr-defined]
        pytest.skip("client_connection_check_interval needs PostgreSQL 14")
    slow = write_migrations(
        tmp_path / "slow",
        {
            **BASE_SET,
            "0004_slow.sql": "CREATE TABLE xferity.slow (id bigint PRIMARY KEY);\n"
            "SELECT pg_sleep(120);\n",
        },
    )
    victim = spawn_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(slow))

    def sleeping_with_lock() -> bool:
        with psycopg.connect(fresh_db) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s "
                "AND a.query LIKE 'SELECT pg_sleep(120)%%'",
                (MIGRATION_LOCK_KEY,),
            ).fetchone()
            return bool(row and row[0])

    wait_for(sleeping_with_lock)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)

    # The next apply takes the lock well within its 5 s timeout and finishes the real work.
    fast = write_migrations(tmp_path / "fast", BASE_SET)
    after = run_cli(
        "apply", "--dsn", fresh_db, "--migrations-dir", str(fast), "--lock-timeout", "5"
    )
    assert after.exit_code == 0, after.stderr
    assert not table_exists(fresh_db, "xferity.slow")
    assert scalar(fresh_db, "SELECT count(*) FROM xferity.schema_migrations") == 3


def test_lock_timeout_is_one_clear_line(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    with psycopg.connect(fresh_db, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        result = run_cli(
            "apply", "--dsn", fresh_db, "--migrations-dir", str(migrations), "--lock-timeout", "0.5"
        )
    assert result.exit_code == 5
    assert result.stderr.count("\n") == 1
    assert "migration lock" in result.stderr
    assert not table_exists(fresh_db, "xferity.widgets")


def test_failed_migration_is_rolled_back_and_named(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(
        tmp_path / "m",
        {
            **BASE_SET,
            "0004_broken.sql": (
                "-- header\n"
                "CREATE TABLE xferity.half (id bigint PRIMARY KEY);\n"
                "INSERT INTO xferity.half VALUES (1);\n"
                "ALTER TABLE xferity.half ADD COLUMN oops no_such_type;\n"
            ),
        },
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert "0004_broken.sql:4: statement 3" in line
    assert 'type "no_such_type" does not exist' in line
    assert "ALTER TABLE xferity.half ADD COLUMN oops no_such_type" in line
    assert "rolled back" in line
    # Earlier migrations stay applied; the broken one left nothing, not even its first statements.
    assert table_exists(fresh_db, "xferity.widgets")
    assert not table_exists(fresh_db, "xferity.half")
    assert (
        scalar(
            fresh_db,
            "SELECT count(*) FROM xferity.schema_migrations WHERE migration_id = '0004_broken'",
        )
        == 0
    )


def test_migration_and_tracking_row_commit_together(fresh_db: str, tmp_path: Path) -> None:
    """When recording fails (here: the migration already wrote its own tracking row, so the
    runner's insert violates the primary key), the migration's own work rolls back too."""
    migrations = write_migrations(
        tmp_path / "m",
        {
            **BASE_SET,
            "0004_sneaky.sql": (
                "CREATE TABLE xferity.sneaky (id bigint PRIMARY KEY);\n"
                "INSERT INTO xferity.schema_migrations "
                "(migration_id, content_sha256, execution_ms, toolkit_version) "
                "VALUES ('0004_sneaky', repeat('0', 64), 0, 'x');\n"
            ),
        },
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr
    assert not table_exists(fresh_db, "xferity.sneaky")
    assert (
        scalar(
            fresh_db,
            "SELECT count(*) FROM xferity.schema_migrations WHERE migration_id = '0004_sneaky'",
        )
        == 0
    )
    assert (
        scalar(
            fresh_db,
            "SELECT count(*) FROM xferity.schema_migration_log WHERE migration_id = '0004_sneaky'",
        )
        == 0
    )


def test_drift_is_refused_and_named(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    assert run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations)).exit_code == 0
    edited = migrations / "0003_widgets.sql"
    edited.write_text(edited.read_text() + "-- a harmless-looking edit\n")
    write_migrations(
        migrations, {"0004_more.sql": "CREATE TABLE xferity.more (id int PRIMARY KEY);\n"}
    )

    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert result.exit_code == 4
    assert "0003_widgets.sql changed after it was applied" in result.stderr
    assert not table_exists(fresh_db, "xferity.more")


def test_database_ahead_of_toolkit_is_refused(fresh_db: str, tmp_path: Path) -> None:
    newer = write_migrations(tmp_path / "newer", BASE_SET)
    assert run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(newer)).exit_code == 0
    older = write_migrations(
        tmp_path / "older", {k: v for k, v in BASE_SET.items() if not k.startswith("0003")}
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(older))
    assert result.exit_code == 4
    assert "does not know (0003_widgets)" in result.stderr


def test_dry_run_prints_plan_and_changes_nothing(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations), "--dry-run")
    assert result.exit_code == 0
    assert "would apply 3 migration(s)" in result.stdout
    assert "0002_counter  3 statement(s)" in result.stdout
    assert scalar(fresh_db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'xferity'") == 0


def test_non_transactional_migration_runs_outside_a_transaction(
    fresh_db: str, tmp_path: Path
) -> None:
    migrations = write_migrations(
        tmp_path / "m",
        {
            **BASE_SET,
            "0004_index.sql": (
                "-- transactional: false\n"
                "CREATE INDEX CONCURRENTLY widgets_name_idx ON xferity.widgets (name);\n"
            ),
        },
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert result.exit_code == 0, result.stderr
    assert table_exists(fresh_db, "xferity.widgets_name_idx")
    assert (
        scalar(
            fresh_db,
            "SELECT count(*) FROM xferity.schema_migrations WHERE migration_id = '0004_index'",
        )
        == 1
    )


def test_non_transactional_migration_with_two_statements_is_refused(
    fresh_db: str, tmp_path: Path
) -> None:
    migrations = write_migrations(
        tmp_path / "m",
        {
            **BASE_SET,
            "0004_two.sql": (
                "-- transactional: false\n"
                "CREATE INDEX CONCURRENTLY a_idx ON xferity.widgets (name);\n"
                "CREATE INDEX CONCURRENTLY b_idx ON xferity.widgets (id, name);\n"
            ),
        },
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert result.exit_code == 1
    assert "must hold exactly one statement (found 2)" in result.stderr
    assert not table_exists(fresh_db, "xferity.widgets")  # refused before touching anything


def test_real_migration_set_applies_on_empty_database(fresh_db: str) -> None:
    result = run_cli("apply", "--dsn", fresh_db)
    assert result.exit_code == 0, result.stderr
    assert scalar(fresh_db, "SELECT obj_description('xferity'::regnamespace)") is not None
    assert run_cli("status", "--dsn", fresh_db).exit_code == 0


def test_migration_waiting_on_a_table_lock_gives_up_and_rolls_back(
    fresh_db: str, tmp_path: Path
) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    assert run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations)).exit_code == 0
    write_migrations(
        migrations,
        {"0004_alter.sql": "ALTER TABLE xferity.widgets ADD COLUMN colour text;\n"},
    )
    with psycopg.connect(fresh_db) as reader:  # a long transaction holding a table lock
        reader.execute("SELECT * FROM xferity.widgets")
        result = run_cli(
            "apply", "--dsn", fresh_db, "--migrations-dir", str(migrations),
            "--statement-lock-timeout", "0.5",
        )  # fmt: skip
    assert result.exit_code == 1
    assert "lock timeout" in result.stderr and "55P03" in result.stderr
    assert "--statement-lock-timeout" in result.stderr
    assert scalar(fresh_db, "SELECT count(*) FROM xferity.schema_migrations") == 3
