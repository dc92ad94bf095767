"""Helpers shared by the schema test modules (their fixtures live in conftest.py).

The tracking-table names come from xferity_schema.core.contract, their one source."""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
from psycopg import sql

from xferity_schema.migrate.files import Migration

Row = dict[str, Any]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# One migration per feature area of issue 3, in history order; each has a demo file.
FEATURE_MIGRATIONS = (
    "0002_flow_runs",
    "0003_auth",
    "0004_crypto_inventory",
    "0005_as2",
    "0006_posture_snapshots",
    "0007_regression_alerts",
    "0008_suppressions",
    "0009_vault_secrets",
    "0010_workflows",
)


def table_counts(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, int]:
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'xferity' AND c.relkind IN ('r', 'p') ORDER BY 1"
        ).fetchall()
    ]
    counts: dict[str, int] = {}
    for name in names:
        query = sql.SQL("SELECT count(*) FROM xferity.{}").format(sql.Identifier(name))
        row = conn.execute(query).fetchone()
        assert row is not None
        counts[name] = int(str(row[0]))
    return counts


def insert(conn: psycopg.Connection[Row], table: str, **values: Any) -> Row:
    """INSERT one row into xferity.<table> and return it (RETURNING *)."""
    query = sql.SQL("INSERT INTO xferity.{} ({}) VALUES ({}) RETURNING *").format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(column) for column in values),
        sql.SQL(", ").join(sql.Placeholder() * len(values)),
    )
    row = conn.execute(query, list(values.values())).fetchone()
    assert row is not None
    return row


def run_migration_sql(
    conn: psycopg.Connection[tuple[object, ...]], migration: Migration, *, rollback: bool = False
) -> None:
    """A migration's (or its rollback file's) statements without the runner: in one transaction,
    or one by one in autocommit for a `-- transactional: false` migration, as the runner does."""
    statements = migration.rollback_statements if rollback else migration.statements
    if not migration.transactional:
        for text in statements:
            conn.execute(sql.SQL(text))
        return
    with conn.transaction():
        for text in statements:
            conn.execute(sql.SQL(text))
