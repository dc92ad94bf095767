"""Explicit data classes instead of a name regex: the read-only role reads [public] columns only,
a column without a class is read by nobody but the application, and lint refuses it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.cli import run_cli
from tests.support.role_model import (
    ModelDb,
    assert_denied,
    model_db,
    role_args,
    select_column,
)
from xferity_schema.core.paths import migrations_dir
from xferity_schema.lint.engine import lint
from xferity_schema.servers.scratch import ScratchServer

PERSONAL = [
    ("auth_sessions", "client_ip"),
    ("auth_sessions", "user_agent"),
    ("auth_users", "email"),
    ("auth_users", "username"),
    ("jobs", "payload"),
    ("jobs", "result"),
    ("job_errors", "message"),
    ("workers", "info"),
    ("workflow_event_subscriptions", "subscription_data"),
]

LATER = """-- 0999 partner credentials: references to secrets, added by a later release.

ALTER TABLE xferity.as2_messages ADD COLUMN api_key_ref text;
ALTER TABLE xferity.as2_messages ADD COLUMN credential_ref text;
ALTER TABLE xferity.as2_messages ADD COLUMN ssh_passphrase_ref text;
ALTER TABLE xferity.as2_messages ADD COLUMN bearer_jwt text;

COMMENT ON COLUMN xferity.as2_messages.api_key_ref IS 'Reference to the partner API key.';
COMMENT ON COLUMN xferity.as2_messages.credential_ref IS 'Reference to the credential.';
COMMENT ON COLUMN xferity.as2_messages.ssh_passphrase_ref IS 'Reference to the passphrase.';
COMMENT ON COLUMN xferity.as2_messages.bearer_jwt IS 'Bearer token of the partner.';
"""
NEW_COLUMNS = ["api_key_ref", "credential_ref", "ssh_passphrase_ref", "bearer_jwt"]


@pytest.fixture(scope="module")
def classified(pg_server: ScratchServer) -> Iterator[ModelDb]:
    with model_db(pg_server) as db:
        db.run_script()
        db.set_passwords()
        assert db.apply().exit_code == 0
        yield db


@pytest.mark.parametrize(("table", "column"), PERSONAL, ids=[f"{t}.{c}" for t, c in PERSONAL])
def test_readonly_never_reads_personal_data(classified: ModelDb, table: str, column: str) -> None:
    db = classified
    with db.connect(db.names.readonly) as conn:
        assert_denied(conn, select_column(table, column))
    with db.connect(db.names.app) as conn:
        conn.execute(select_column(table, column))


def test_readonly_reads_the_public_columns_of_a_personal_table(classified: ModelDb) -> None:
    db = classified
    with db.connect(db.names.readonly) as conn:
        conn.execute("SELECT session_id, user_id, expires_at FROM xferity.auth_sessions")
        conn.execute("SELECT job_id, attempt, failed_at FROM xferity.job_errors")
        conn.execute("SELECT * FROM xferity.flow_runs")


def test_every_column_has_a_data_class(classified: ModelDb) -> None:
    db = classified
    with psycopg.connect(db.superuser) as conn:
        unclassified = conn.execute(
            "SELECT c.relname || '.' || a.attname FROM pg_class c "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "WHERE c.relnamespace = 'xferity'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') "
            "AND c.relname NOT IN ('schema_migrations', 'schema_migration_log') "
            "AND coalesce(col_description(c.oid, a.attnum), '') "
            "!~ '^\\[(public|personal|secret)\\] '"
        ).fetchall()
    assert unclassified == []


def _later_set(tmp_path: Path, text: str) -> Path:
    later = tmp_path / "sql" / "migrations"
    shutil.copytree(migrations_dir(), later)
    shutil.copy(migrations_dir().parent / "migrations.sum", later.parent / "migrations.sum")
    (later / "0999_partner_credentials.sql").write_text(text, encoding="utf-8")
    return later


def test_lint_refuses_columns_without_a_class(tmp_path: Path) -> None:
    later = _later_set(tmp_path, LATER)
    result = lint([later.parent], use_cache=False)
    found = [f for f in result.findings if f.rule == "unclassified-column"]
    assert sorted(f.message.split()[1] for f in found) == sorted(
        f"xferity.as2_messages.{c}" for c in NEW_COLUMNS
    )
    assert all(f.path.name == "0999_partner_credentials.sql" for f in found)
    classified = LATER.replace("IS 'Ref", "IS '[secret] Ref").replace(
        "IS 'Bearer", "IS '[secret] Bearer"
    )
    again = lint([_later_set(tmp_path / "again", classified).parent], use_cache=False)
    assert not [f for f in again.findings if f.rule == "unclassified-column"]


def test_an_unclassified_column_is_never_exposed(classified: ModelDb, tmp_path: Path) -> None:
    """Applied anyway, the four columns stay hidden from the read-only role, and the audit
    agrees that this is the model."""
    db = classified
    later = _later_set(tmp_path, LATER)
    result = db.apply("--migrations-dir", str(later))
    assert result.exit_code == 0, result.stdout + result.stderr
    with db.connect(db.names.readonly) as conn:
        for column in NEW_COLUMNS:
            assert_denied(conn, select_column("as2_messages", column))
        conn.execute("SELECT as2_message_id FROM xferity.as2_messages")
    check = run_cli("grants", "--check", "--dsn", db.superuser, *role_args(db.names))
    assert check.exit_code == 0, check.stdout
