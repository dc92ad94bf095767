"""The grant script on managed PostgreSQL (RDS, Cloud SQL, Azure): run by a non-superuser DBA
with CREATEROLE and CREATEDB that owns the database, idempotently, on PG 13 to 18."""

from __future__ import annotations

import psycopg

from tests.support.cli import run_cli
from tests.support.role_model import assert_denied, catalog_state, model_db, role_args
from xferity_schema.roles.audit import audit
from xferity_schema.servers.scratch import ScratchServer


def _public_create_findings(major: int) -> list[str]:
    # Before 15, schema public belongs to the bootstrap superuser (the provider's administrator
    # on managed services) and PUBLIC may create in it: only that administrator can revoke it,
    # and the audit says so.
    return ["excess: PUBLIC can CREATE in schema public"] if major < 15 else []


def test_managed_dba_runs_the_script_twice_and_the_roles_work(pg_server: ScratchServer) -> None:
    with model_db(pg_server, managed=True) as db:
        assert db.dba is not None
        db.run_script()
        before = catalog_state(db.superuser)
        db.run_script()  # idempotent as that DBA: nothing changes, down to the catalog rows
        assert catalog_state(db.superuser) == before

        db.set_passwords()
        result = db.apply()
        assert result.exit_code == 0, result.stderr + result.stdout
        assert f"running as role {db.names.owner} (SET ROLE)" in result.stdout

        with db.connect(db.names.app) as conn:
            conn.execute("INSERT INTO xferity.auth_users (username, role) VALUES ('a', 'viewer')")
            assert_denied(conn, "TRUNCATE xferity.flow_runs")
        with db.connect(db.names.worker) as conn:
            conn.execute("SELECT xferity.register_worker('w1', 'host-a')")
            conn.execute("SELECT xferity.enqueue_job('demo.kind')")
            assert conn.execute("SELECT count(*) FROM xferity.claim_job('w1')").fetchone() == (1,)
            assert_denied(conn, "SELECT * FROM xferity.jobs")
        with db.connect(db.names.readonly) as conn:
            conn.execute("SELECT * FROM xferity.flow_runs")
            assert_denied(conn, "SELECT email FROM xferity.auth_users")

        # After apply, the DBA's third run still changes nothing (grant_role_model finds the
        # privileges as the model gives them).
        after_apply = catalog_state(db.superuser)
        db.run_script()
        assert catalog_state(db.superuser) == after_apply

        with psycopg.connect(db.superuser) as conn:
            lines = [f.line() for f in audit(conn, db.names)]
            # The DBA joined the owner role only for the script's length.
            can_act = conn.execute(
                "SELECT pg_has_role(%s, %s, 'USAGE')", (db.dba, db.names.owner)
            ).fetchone()
        assert lines == _public_create_findings(pg_server.major_version), lines
        assert can_act == (False,)


def test_managed_dba_needs_no_superuser_attribute_statement(pg_server: ScratchServer) -> None:
    """The script never asks for what a CREATEROLE DBA cannot grant."""
    with model_db(pg_server) as db:
        script = db.script([("deploy_login", "migrator")])
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("--"))
    for attribute in ("NOSUPERUSER", "NOREPLICATION", "NOBYPASSRLS", "SUPERUSER"):
        assert attribute not in code.replace("'SUPERUSER'", "")


def test_managed_dba_adopts_roles_it_created_earlier(pg_server: ScratchServer) -> None:
    """Roles that exist from an earlier run (plain, unprivileged) are adopted silently."""
    with model_db(pg_server, managed=True) as db:
        db.run_script()
        with psycopg.connect(db.superuser, autocommit=True) as conn:
            conn.execute("DROP SCHEMA xferity CASCADE")  # the DBA cannot: it owns no schema
        db.run_script()  # roles exist, schema does not: recreated, roles untouched
        with psycopg.connect(db.superuser) as conn:
            owner = conn.execute(
                "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'xferity'"
            ).fetchone()
        assert owner == (db.names.owner,)
        check = run_cli("grants", "--check", "--dsn", db.superuser, *role_args(db.names))
        assert check.exit_code == 6  # object privileges come with migration 0013
        assert "migration 0013 is not applied" in check.stdout
