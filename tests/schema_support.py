"""Helpers shared by the schema test modules (their fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
from psycopg import sql

Row = dict[str, Any]

# Bookkeeping, not data (demo files leave them empty, reset_all_data() keeps them): the
# runner's tracking tables and the role model the DBA's grant script records (migration 0013).
TRACKING_TABLES = frozenset({"schema_migrations", "schema_migration_log", "role_model"})


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
