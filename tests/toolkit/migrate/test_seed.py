"""`seed --demo`: every table gets rows; all files load or none; --reset empties first."""

from __future__ import annotations

import psycopg

from tests.support.cli import run_cli
from tests.support.schema import table_counts
from xferity_schema.core.contract import TRACKING_TABLES


def empty_tables(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        counts = table_counts(conn)
    return [name for name, rows in counts.items() if rows == 0 and name not in TRACKING_TABLES]


def test_seed_demo_fills_every_table_then_refuses_duplicates(migrated_db: str) -> None:
    first = run_cli("seed", "--demo", "--dsn", migrated_db)
    assert first.exit_code == 0, first.stderr
    assert empty_tables(migrated_db) == []

    again = run_cli("seed", "--demo", "--dsn", migrated_db)
    assert again.exit_code == 1
    assert "use --reset" in again.stderr
    assert again.stderr.count("\n") == 1

    reset = run_cli("seed", "--demo", "--reset", "--dsn", migrated_db)
    assert reset.exit_code == 0, reset.stderr
    assert empty_tables(migrated_db) == []


def test_seed_refuses_pending_migrations(fresh_db: str) -> None:
    result = run_cli("seed", "--demo", "--dsn", fresh_db)
    assert result.exit_code == 1
    assert "pending: run xferity-schema apply first" in result.stderr
