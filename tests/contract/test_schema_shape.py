"""Whole-schema rules, checked in pg_catalog after every migration is applied.

Nothing in schema xferity is exempt: the runner's tracking tables obey the same rules as the
feature tables, and a migration added later is covered without touching this file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from xferity_schema.core.contract import SCHEMA, TRACKING_TABLES
from xferity_schema.servers.scratch import ScratchServer


@pytest.fixture(scope="module")
def readonly_db(
    pg_server: ScratchServer, migrated_template: str
) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A read-only connection to a migrated database shared by this module.

    A clone, never the template itself: a session on the template would make every later
    `CREATE DATABASE ... TEMPLATE` fail.
    """
    name = "xferity_shape_" + uuid.uuid4().hex[:10]
    dsn = pg_server.create_database(name, template=migrated_template)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET default_transaction_read_only = on")
        yield conn
    pg_server.drop_database(name)


def rows(conn: psycopg.Connection[tuple[object, ...]], query: str) -> list[tuple[object, ...]]:
    params = {"schema": SCHEMA, "tracking_tables": list(TRACKING_TABLES)}
    return conn.execute(query, params).fetchall()


def test_schema_has_the_feature_tables(readonly_db: psycopg.Connection[tuple[object, ...]]) -> None:
    tables = {
        str(r[0])
        for r in rows(
            readonly_db,
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p')",
        )
    }
    expected = {
        "flow_runs", "flow_run_files", "flow_idempotency",
        "auth_users", "auth_sessions",
        "certificates", "pgp_keys", "partner_crypto_bindings",
        "as2_messages", "as2_mdns",
        "posture_snapshots", "posture_findings",
        "regression_alerts", "suppressions", "vault_secrets",
        "workflow_instances", "workflow_execution_pointers", "workflow_events",
        "workflow_event_subscriptions", "workflow_scheduled_commands",
        "workflow_execution_errors",
        *TRACKING_TABLES,
    }  # fmt: skip
    assert expected <= tables


def test_every_table_has_a_primary_key(readonly_db: psycopg.Connection[tuple[object, ...]]) -> None:
    missing = rows(
        readonly_db,
        """
        SELECT c.relname
        FROM pg_class AS c
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p')
          AND NOT EXISTS (
              SELECT 1 FROM pg_constraint AS k WHERE k.conrelid = c.oid AND k.contype = 'p'
          )
        ORDER BY 1
        """,
    )
    assert missing == []


def test_feature_primary_keys_are_identity_or_uuid(
    readonly_db: psycopg.Connection[tuple[object, ...]],
) -> None:
    """The runner's tracking tables are keyed by migration id (text); everything else is a
    bigint identity or a uuid with a default."""
    offenders = rows(
        readonly_db,
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity
        FROM pg_constraint AS k
        JOIN pg_class AS c ON c.oid = k.conrelid
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
        JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = ANY (k.conkey)
        WHERE n.nspname = %(schema)s AND k.contype = 'p'
          AND c.relname <> ALL (%(tracking_tables)s)
          AND NOT (
              cardinality(k.conkey) = 1
              AND (
                  (a.atttypid = 'bigint'::regtype AND a.attidentity = 'a')
                  OR (a.atttypid = 'uuid'::regtype AND a.atthasdef)
              )
          )
        ORDER BY 1
        """,
    )
    assert offenders == []


def test_every_table_and_column_has_a_comment(
    readonly_db: psycopg.Connection[tuple[object, ...]],
) -> None:
    tables = rows(
        readonly_db,
        """
        SELECT c.relname
        FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm')
          AND coalesce(btrim(obj_description(c.oid, 'pg_class')), '') = ''
        ORDER BY 1
        """,
    )
    columns = rows(
        readonly_db,
        """
        SELECT c.relname, a.attname
        FROM pg_class AS c
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
        JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm')
          AND coalesce(btrim(col_description(c.oid, a.attnum)), '') = ''
        ORDER BY 1, 2
        """,
    )
    assert tables == []
    assert columns == []


def test_every_function_has_a_comment(readonly_db: psycopg.Connection[tuple[object, ...]]) -> None:
    missing = rows(
        readonly_db,
        """
        SELECT p.oid::regprocedure::text
        FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s
          AND coalesce(btrim(obj_description(p.oid, 'pg_proc')), '') = ''
        ORDER BY 1
        """,
    )
    assert missing == []


def test_every_foreign_key_is_indexed_and_says_what_happens_on_delete(
    readonly_db: psycopg.Connection[tuple[object, ...]],
) -> None:
    # indkey is an int2vector (0-based); the text round trip gives a 1-based int2[].
    unindexed = rows(
        readonly_db,
        """
        SELECT k.conrelid::regclass::text, k.conname
        FROM pg_constraint AS k JOIN pg_namespace AS n ON n.oid = k.connamespace
        WHERE n.nspname = %(schema)s AND k.contype = 'f'
          AND NOT EXISTS (
              SELECT 1
              FROM pg_index AS i
              WHERE i.indrelid = k.conrelid
                AND i.indpred IS NULL
                AND i.indnkeyatts >= cardinality(k.conkey)
                AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)]
                    @> k.conkey
                AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)]
                    <@ k.conkey
          )
        ORDER BY 1, 2
        """,
    )
    assert unindexed == []
    # NO ACTION is what an FK gets when ON DELETE is left out; the rules want a decision.
    implicit = rows(
        readonly_db,
        """
        SELECT k.conrelid::regclass::text, k.conname
        FROM pg_constraint AS k JOIN pg_namespace AS n ON n.oid = k.connamespace
        WHERE n.nspname = %(schema)s AND k.contype = 'f' AND k.confdeltype = 'a'
        ORDER BY 1, 2
        """,
    )
    assert implicit == []


def test_no_forbidden_column_types(readonly_db: psycopg.Connection[tuple[object, ...]]) -> None:
    forbidden = rows(
        readonly_db,
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
        FROM pg_class AS c
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
        JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_type AS t ON t.oid = a.atttypid
        LEFT JOIN pg_type AS e ON e.oid = t.typelem AND t.typcategory = 'A'
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm')
          AND coalesce(e.oid, t.oid) IN (
              'json'::regtype, 'timestamp'::regtype, 'varchar'::regtype, 'bpchar'::regtype,
              '"char"'::regtype
          )
        ORDER BY 1, 2
        """,
    )
    assert forbidden == []


def test_security_definer_functions_pin_their_search_path(
    readonly_db: psycopg.Connection[tuple[object, ...]],
) -> None:
    unpinned = rows(
        readonly_db,
        """
        SELECT p.oid::regprocedure::text
        FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s AND p.prosecdef
          AND NOT EXISTS (
              SELECT 1 FROM unnest(p.proconfig) AS setting
              WHERE setting LIKE 'search\\_path=%%'
          )
        """,
    )
    assert unpinned == []


def test_nothing_lands_in_public(readonly_db: psycopg.Connection[tuple[object, ...]]) -> None:
    relations = rows(
        readonly_db,
        "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public'",
    )
    functions = rows(
        readonly_db,
        "SELECT p.proname FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public'",
    )
    assert relations == []
    assert functions == []


def test_vault_can_not_reveal_a_value(readonly_db: psycopg.Connection[tuple[object, ...]]) -> None:
    columns = {
        str(name): str(type_name)
        for name, type_name in rows(
            readonly_db,
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'xferity.vault_secrets'::regclass AND attnum > 0 "
            "AND NOT attisdropped",
        )
    }
    assert columns == {
        "secret_id": "bigint",
        "name": "text",
        "ciphertext": "bytea",
        "nonce": "bytea",
        "key_version": "integer",
        "algorithm": "text",
        "created_at": "timestamp with time zone",
        "updated_at": "timestamp with time zone",
        "rotated_at": "timestamp with time zone",
    }
    decrypting = rows(
        readonly_db,
        """
        SELECT p.oid::regprocedure::text
        FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s
          AND (p.proname ILIKE '%%decrypt%%' OR p.prosrc ILIKE '%%decrypt%%'
               OR p.prosrc ILIKE '%%pgp_sym%%' OR p.prosrc ILIKE '%%vault_secrets%%')
        """,
    )
    assert decrypting == []
    extensions = rows(readonly_db, "SELECT extname FROM pg_extension WHERE extname = 'pgcrypto'")
    assert extensions == []


def index_definitions(readonly_db: psycopg.Connection[tuple[object, ...]], table: str) -> list[str]:
    return [
        str(r[0])
        for r in readonly_db.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
            (SCHEMA, table),
        ).fetchall()
    ]


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ("auth_sessions", "(expires_at)"),
        ("regression_alerts", "UNIQUE INDEX regression_alerts_open_finding_key_key"),
        ("workflow_instances", "(next_execution)"),
        ("workflow_instances", "(status)"),
        ("workflow_events", "(event_name, event_key"),
        ("workflow_events", "WHERE (NOT is_processed)"),
        ("workflow_events", "(event_time)"),
        ("workflow_event_subscriptions", "(event_name, event_key)"),
        ("workflow_execution_pointers", "(workflow_id)"),
        ("workflow_event_subscriptions", "(workflow_id)"),
        ("workflow_execution_errors", "(workflow_id)"),
        ("workflow_scheduled_commands", "(execute_time)"),
        ("workflow_scheduled_commands", "UNIQUE INDEX"),
        ("flow_idempotency", "(flow_name, content_sha256)"),
        ("certificates", "UNIQUE INDEX certificates_fingerprint_sha256_key"),
        ("pgp_keys", "UNIQUE INDEX pgp_keys_fingerprint_key"),
        ("as2_messages", "(as2_message_id, direction)"),
    ],
)
def test_required_index_exists(
    readonly_db: psycopg.Connection[tuple[object, ...]], table: str, fragment: str
) -> None:
    definitions = index_definitions(readonly_db, table)
    assert any(fragment in d for d in definitions), definitions
