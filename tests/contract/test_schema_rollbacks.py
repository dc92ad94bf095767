"""Rollback files undo exactly what their migration created.

Every migration is applied, then every rollback runs in reverse order: afterwards schema xferity
must hold nothing but what 0001 left (an empty schema), and the whole set must apply again.
Statements are executed directly (no runner), so this checks the SQL files alone.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from tests.support.schema import FEATURE_MIGRATIONS, run_migration_sql
from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import Migration, read_migration_set

ROLLBACK_REQUIRED = (*FEATURE_MIGRATIONS, "0011_reset")


def run(
    conn: psycopg.Connection[tuple[object, ...]], migration: Migration, rollback: bool = False
) -> None:
    run_migration_sql(conn, migration, rollback=rollback)


def objects(conn: psycopg.Connection[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return conn.execute(
        """
        SELECT 'relation', c.relname FROM pg_class AS c
        JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = 'xferity'
        UNION ALL
        SELECT 'function', p.proname FROM pg_proc AS p
        JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE n.nspname = 'xferity'
        UNION ALL
        SELECT 'type', t.typname FROM pg_type AS t
        JOIN pg_namespace AS n ON n.oid = t.typnamespace WHERE n.nspname = 'xferity'
        ORDER BY 1, 2
        """
    ).fetchall()


def migrations() -> list[Migration]:
    return read_migration_set(migrations_dir())


def test_feature_migrations_have_rollbacks() -> None:
    by_id = {m.id: m for m in migrations()}
    for migration_id in ROLLBACK_REQUIRED:
        assert by_id[migration_id].rollback_statements, migration_id


def test_rollbacks_restore_an_empty_schema_and_reapply(fresh_db: str) -> None:
    ordered = migrations()
    later = [m for m in ordered if m.number > 1]
    missing = [m.id for m in later if not m.rollback_statements]
    if missing:
        pytest.skip(f"no rollback file for {', '.join(missing)}")
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        for migration in ordered:
            run(conn, migration)
        for migration in reversed(later):
            run(conn, migration, rollback=True)
        assert objects(conn) == []
        for migration in later:
            run(conn, migration)
        assert len(objects(conn)) > 0


def test_vault_rollback_refuses_while_secrets_exist(fresh_db: str) -> None:
    by_id = {m.id: m for m in migrations()}
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        for migration_id in ("0001_bootstrap", "0009_vault_secrets"):
            run(conn, by_id[migration_id])
        conn.execute(
            "INSERT INTO xferity.vault_secrets (name, ciphertext, nonce, key_version) "
            "VALUES ('sftp-password', %s, %s, 1)",
            (bytes(32), bytes(12)),
        )
        with pytest.raises(errors.ObjectInUse):
            run(conn, by_id["0009_vault_secrets"], rollback=True)
        row = conn.execute("SELECT count(*) FROM xferity.vault_secrets").fetchone()
        assert row == (1,)
        conn.execute("DELETE FROM xferity.vault_secrets")
        run(conn, by_id["0009_vault_secrets"], rollback=True)
        assert objects(conn) == []
