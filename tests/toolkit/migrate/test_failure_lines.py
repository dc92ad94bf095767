"""Failure messages: one line, no doubled `;;`, no claim of a rollback the client cannot know
happened, and the lock holder's real origin (TCP host:port, or the local socket)."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.support.cli import run_cli, write_migrations
from tests.support.one_line import assert_one_error_line
from xferity_schema.migrate.runner import MIGRATION_LOCK_KEY

BASE = {"0001_base.sql": "CREATE TABLE public.fail_base (id int);\n"}


def test_failed_statement_message_has_no_doubled_semicolon(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(
        tmp_path / "m", {**BASE, "0002_bad.sql": "SELECT 1;\nSELECT * FROM no_such_table;\n"}
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(directory))
    line = assert_one_error_line(result, "0002_bad.sql:2: statement 2 failed", "no_such_table")
    assert "statement: SELECT * FROM no_such_table; migration rolled back" in line


def test_connection_lost_mid_migration_claims_no_rollback(fresh_db: str, tmp_path: Path) -> None:
    # The server session dies under the migration (as in a crash or a failover): the client
    # cannot know whether the transaction committed, so it says so and points at status.
    directory = write_migrations(
        tmp_path / "m",
        {
            **BASE,
            "0002_dies.sql": "CREATE TABLE public.fail_x (id int);\n"
            "SELECT pg_terminate_backend(pg_backend_pid());\n",
        },
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(directory))
    line = assert_one_error_line(result, "0002_dies.sql:2", "connection was lost")
    assert "rolled back" not in line
    assert "run xferity-schema status" in line
    status = run_cli("status", "--dsn", fresh_db, "--migrations-dir", str(directory))
    assert status.exit_code == 3 and "0002_dies" in status.stdout


def hold_lock(dsn: str) -> psycopg.Connection[tuple[object, ...]]:
    holder = psycopg.connect(dsn, autocommit=True, application_name="lock-holder")
    holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
    return holder


def test_lock_holder_line_names_tcp_host_and_port(fresh_db: str, tmp_path: Path) -> None:
    assert conninfo_to_dict(fresh_db)["host"] == "127.0.0.1"
    directory = write_migrations(tmp_path / "m", BASE)
    with hold_lock(fresh_db) as holder:
        row = holder.execute("SELECT inet_client_port()").fetchone()
        assert row is not None
        result = run_cli(
            "apply", "--dsn", fresh_db, "--migrations-dir", str(directory), "--lock-timeout", "0.3"
        )
    assert result.exit_code == 5
    assert_one_error_line(result, f"lock-holder from 127.0.0.1:{row[0]}")


def test_lock_holder_line_names_the_local_socket(fresh_db: str, tmp_path: Path) -> None:
    params = conninfo_to_dict(fresh_db)
    with psycopg.connect(fresh_db) as conn:
        sockets = conn.execute("SHOW unix_socket_directories").fetchone()
    assert sockets is not None
    params["host"] = str(sockets[0]).split(",")[0].strip()
    socket_dsn = make_conninfo("", **params)
    directory = write_migrations(tmp_path / "m", BASE)
    with hold_lock(socket_dsn):
        result = run_cli(
            "apply", "--dsn", fresh_db, "--migrations-dir", str(directory), "--lock-timeout", "0.3"
        )
    assert_one_error_line(result, "lock-holder from local socket")
