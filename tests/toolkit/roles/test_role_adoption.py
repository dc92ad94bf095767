"""Refuse instead of silently changing: the script never alters an existing role's attributes;
adopting one that holds SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS (or LOGIN, for
the owner) needs --adopt-privileged-roles; a login named like a role of the model is refused."""

from __future__ import annotations

import dataclasses
import uuid

import psycopg
import pytest
from psycopg import sql

from tests.support.cli import run_cli
from tests.support.role_model import model_db, role_args, superuser_exec, unique_names
from xferity_schema.servers.scratch import ScratchServer


def _attributes(dsn: str, role: str) -> tuple[object, ...] | None:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = %s", (role,)
        ).fetchone()


def test_existing_superuser_is_not_demoted(pg_server: ScratchServer) -> None:
    ops = f"ops_admin_{uuid.uuid4().hex[:8]}"
    names = dataclasses.replace(unique_names(), migrator=ops)
    with model_db(pg_server, names=names) as db:
        superuser_exec(pg_server, "postgres", sql.SQL("CREATE ROLE {} SUPERUSER CREATEDB LOGIN")
                       .format(sql.Identifier(ops)))  # fmt: skip
        with pytest.raises(psycopg.errors.RaiseException) as caught:
            db.run_script()
        assert f"role {ops} already exists and holds SUPERUSER, CREATEDB" in str(caught.value)
        assert _attributes(db.superuser, ops) == (True, True, True)

        # Explicitly adopted: kept as it is, and the audit says so.
        db.run_script(db.script(adopt=True))
        assert _attributes(db.superuser, ops) == (True, True, True)
        check = run_cli("grants", "--check", "--dsn", db.superuser, *role_args(db.names))
        assert check.exit_code == 6
        assert f"excess: role {ops} has attribute SUPERUSER" in check.stdout


def test_existing_owner_that_logs_in_is_refused(pg_server: ScratchServer) -> None:
    with model_db(pg_server) as db:
        superuser_exec(pg_server, "postgres", sql.SQL("CREATE ROLE {} LOGIN")
                       .format(sql.Identifier(db.names.owner)))  # fmt: skip
        with pytest.raises(psycopg.errors.RaiseException) as caught:
            db.run_script()
        assert "holds LOGIN" in str(caught.value)
        assert _attributes(db.superuser, db.names.owner) == (False, False, True)


def test_existing_login_with_createrole_is_refused(pg_server: ScratchServer) -> None:
    with model_db(pg_server) as db:
        login = f"deploy_{uuid.uuid4().hex[:8]}"
        db.extra_roles.append(login)
        superuser_exec(pg_server, "postgres", sql.SQL("CREATE ROLE {} LOGIN CREATEROLE")
                       .format(sql.Identifier(login)))  # fmt: skip
        with pytest.raises(psycopg.errors.RaiseException) as caught:
            db.run_script(db.script([(login, "migrator")]))
        assert f"role {login} already exists and holds CREATEROLE" in str(caught.value)


def test_plain_existing_roles_are_adopted_and_keep_their_attributes(
    pg_server: ScratchServer,
) -> None:
    with model_db(pg_server) as db:
        superuser_exec(pg_server, "postgres", sql.SQL("CREATE ROLE {} NOLOGIN")
                       .format(sql.Identifier(db.names.app)))  # fmt: skip
        db.run_script()  # app gets the LOGIN it needs, nothing else changes
        assert _attributes(db.superuser, db.names.app) == (False, False, True)


def test_login_named_like_a_model_role_is_refused() -> None:
    result = run_cli("grants", "--login", "xferity_app=app")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: login 'xferity_app' is the name of a role of the")
    assert result.stderr.count("\n") == 1
    other = run_cli("grants", "--login", "xferity_owner=worker")
    assert other.exit_code == 1
