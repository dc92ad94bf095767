"""Every bad input is one `error:` line on stderr and a non-zero exit, never a traceback,
and never a secret."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.support.cli import run_cli, spawn_cli, write_migrations
from tests.support.migration_sets import BASE_SET
from xferity_schema.core import db as connection
from xferity_schema.servers.local import free_port
from xferity_schema.servers.scratch import ScratchServer

SECRET = "Sup3r-s3cret-pw"


def assert_one_error_line(result_stderr: str, exit_code: int, expected: str) -> None:
    assert exit_code != 0
    assert "Traceback" not in result_stderr
    lines = [line for line in result_stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result_stderr
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert SECRET not in result_stderr


def tcp_dsn(server: ScratchServer, **overrides: object) -> str:
    params = conninfo_to_dict(server.superuser_dsn())
    params.update(overrides)
    return make_conninfo("", **params)


def test_malformed_dsn() -> None:
    result = run_cli("status", "--dsn", f"host=localhost password={SECRET} dbname")
    assert_one_error_line(result.stderr, result.exit_code, "malformed DSN in --dsn")


def test_unreachable_host() -> None:
    dsn = f"postgresql://u:{SECRET}@127.0.0.1:{free_port()}/db?connect_timeout=3"
    result = run_cli("apply", "--dsn", dsn)
    assert_one_error_line(result.stderr, result.exit_code, "cannot connect to")
    assert "Connection refused" in result.stderr or "connection refused" in result.stderr.lower()


def test_wrong_password(pg_server: ScratchServer, make_role: Callable[..., str]) -> None:
    params = conninfo_to_dict(pg_server.superuser_dsn())
    if params.get("host", "").startswith("/") or "password" not in params:
        pytest.skip("needs a TCP server with password authentication")
    role = make_role("xferity_pw", password="the-right-one")
    dsn = tcp_dsn(pg_server, user=role, password=SECRET)
    result = run_cli("status", "--dsn", dsn)
    assert_one_error_line(result.stderr, result.exit_code, "password authentication failed")


def test_missing_env_var_via_config(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("state:\n  postgres:\n    host: localhost\n    password: env:NOPE_NOT_SET\n")
    result = run_cli("apply", "--config", str(path))
    assert_one_error_line(result.stderr, result.exit_code, "NOPE_NOT_SET is not set")


def test_unknown_config_key(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("state:\n  postgres:\n    host: localhost\n    databse: x\n")
    result = run_cli("apply", "--config", str(path))
    assert_one_error_line(result.stderr, result.exit_code, "unknown key state.postgres.databse")


def test_local_vault_reference(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("state:\n  postgres:\n    host: localhost\n    password: local-vault:pg\n")
    result = run_cli("apply", "--config", str(path))
    assert_one_error_line(result.stderr, result.exit_code, "local-vault:pg")


def test_server_older_than_minimum(migrated_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # No PostgreSQL 12 binaries are available here; raise the floor above the real server instead.
    monkeypatch.setattr(connection, "MIN_SERVER_VERSION", 990000)
    result = run_cli("status", "--dsn", migrated_db)
    assert_one_error_line(result.stderr, result.exit_code, "xferity-schema needs 99 or newer")


def test_missing_privilege(
    pg_server: ScratchServer, fresh_db: str, make_role: Callable[..., str]
) -> None:
    role = make_role("xferity_nopriv", password="pw")
    dbname = conninfo_to_dict(fresh_db)["dbname"]
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            sql.SQL("REVOKE CREATE ON DATABASE {} FROM PUBLIC").format(sql.Identifier(dbname))
        )
    dsn = tcp_dsn(pg_server, user=role, password="pw", dbname=dbname)
    result = run_cli("apply", "--dsn", dsn)
    assert_one_error_line(result.stderr, result.exit_code, "missing privilege: permission denied")


def test_edited_migration_is_one_line(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    assert run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations)).exit_code == 0
    (migrations / "0001_bootstrap.sql").write_text(
        "-- edited\nCREATE SCHEMA IF NOT EXISTS xferity;\n"
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(migrations))
    assert_one_error_line(result.stderr, result.exit_code, "0001_bootstrap.sql changed after")


def test_real_process_prints_no_traceback() -> None:
    process = spawn_cli("status", "--dsn", "postgresql://u@127.0.0.1:1/db?connect_timeout=2")
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert_one_error_line(err, process.returncode, "cannot connect to")
