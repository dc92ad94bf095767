"""`apply` switches to the owner role only when the login may act as it and this database is
prepared for it; otherwise it says in one line what it does instead. After a switch, a failure
names the role it acted as and why."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import psycopg

from tests.support.cli import run_cli
from tests.support.role_model import model_db
from xferity_schema.core.paths import migrations_dir
from xferity_schema.servers.scratch import ScratchServer


def test_shared_cluster_owner_of_another_database_is_not_borrowed(
    pg_server: ScratchServer,
) -> None:
    with model_db(pg_server) as prepared:
        prepared.run_script()
        owner = prepared.names.owner
        other = f"xferity_other_{uuid.uuid4().hex[:8]}"
        dsn = pg_server.create_database(other)
        try:
            result = run_cli("apply", "--dsn", dsn, "--owner-role", owner)
            assert result.exit_code == 0, result.stdout + result.stderr
            line = f"not switching to role {owner}: this database is not prepared for it"
            assert line in result.stdout
            assert "running as role" not in result.stdout
            with psycopg.connect(dsn) as conn:
                owners = conn.execute(
                    "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
                    "WHERE relnamespace = 'xferity'::regnamespace"
                ).fetchall()
            assert owners == [("postgres",)]
        finally:
            pg_server.drop_database(other)


def test_failure_after_the_switch_names_the_role_and_why(
    pg_server: ScratchServer, tmp_path: Path
) -> None:
    with model_db(pg_server) as db:
        db.run_script()
        db.set_passwords()
        later = tmp_path / "migrations"
        shutil.copytree(migrations_dir(), later)
        (later / "0999_needs_a_superuser.sql").write_text(
            "-- needs what the owner role does not have\nCREATE EXTENSION IF NOT EXISTS file_fdw;\n"
        )
        result = db.apply("--migrations-dir", str(later))
        assert result.exit_code != 0
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        assert (
            f"acting as role {db.names.owner} (SET ROLE from {db.names.migrator}, because "
            f"{db.names.migrator} is a member and this database's role model names it as the "
            "owner)"
        ) in result.stderr


def test_a_role_model_naming_another_owner_is_refused(pg_server: ScratchServer) -> None:
    with model_db(pg_server) as db:
        db.run_script()
        result = run_cli("apply", "--dsn", db.superuser, "--owner-role", "xferity_owner")
        assert result.exit_code == 1
        assert result.stderr == (
            f"error: this database's role model (xferity.role_model) names {db.names.owner} as "
            f"its owner role, not xferity_owner: pass --owner-role {db.names.owner}\n"
        )
        with psycopg.connect(db.superuser) as conn:  # nothing applied
            assert conn.execute("SELECT to_regclass('xferity.jobs')").fetchone() == (None,)


def test_a_login_that_is_no_member_says_so(pg_server: ScratchServer) -> None:
    with model_db(pg_server) as db:
        db.run_script()
        db.set_passwords()
        result = run_cli("apply", "--dsn", db.login(db.names.app), "--owner-role", db.names.owner)
        assert f"not switching to role {db.names.owner}: {db.names.app} is not a member" in (
            result.stdout
        )
        assert result.exit_code != 0  # the app role may not create in schema xferity


def test_one_user_mode_says_who_owns_what(fresh_db: str) -> None:
    missing = f"xferity_owner_{uuid.uuid4().hex[:8]}"
    result = run_cli("apply", "--dsn", fresh_db, "--owner-role", missing)
    assert result.exit_code == 0
    assert f"role {missing} does not exist: applying as postgres" in result.stdout
