"""The least-privilege role model on a real cluster: run the generated script as superuser,
apply as the migrator, then try, as each role, what it must and must not do."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.support.cli import run_cli
from tests.support.role_model import role_args, unique_names
from xferity_schema.core.paths import migrations_dir
from xferity_schema.roles.audit import audit
from xferity_schema.roles.names import RoleNames
from xferity_schema.roles.script import render_grant_script
from xferity_schema.servers.scratch import ScratchServer

PASSWORD = "test-only-password"
INSUFFICIENT_PRIVILEGE = "42501"


@dataclass(frozen=True)
class RoleModelDb:
    server: ScratchServer
    dbname: str
    names: RoleNames

    @property
    def superuser(self) -> str:
        return self.server.superuser_dsn(self.dbname)

    def login(self, role: str) -> str:
        params = conninfo_to_dict(self.superuser)
        params.update(user=role, password=PASSWORD)
        return make_conninfo("", **params)

    def run_script(self, script: str | None = None) -> None:
        text = script or render_grant_script(self.names, self.dbname, [])
        with psycopg.connect(self.superuser) as conn:  # one transaction, as the README says
            conn.execute(text)  # type: ignore[arg-type]


@pytest.fixture
def role_model_db(pg_server: ScratchServer, fresh_db: str) -> Iterator[RoleModelDb]:
    """Script run, migrations applied by the migrator, script run again: the DBA's steps."""
    names = unique_names()
    db = RoleModelDb(pg_server, conninfo_to_dict(fresh_db)["dbname"], names)
    try:
        db.run_script()
        with psycopg.connect(db.superuser, autocommit=True) as conn:
            for role in (names.migrator, names.app, names.worker, names.readonly):
                conn.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        sql.Identifier(role), sql.Literal(PASSWORD)
                    )
                )
        result = run_cli("apply", "--dsn", db.login(names.migrator), "--owner-role", names.owner)
        assert result.exit_code == 0, result.stderr
        assert f"running as role {names.owner}" in result.stdout
        db.run_script()
        yield db
    finally:
        pg_server.drop_database(db.dbname)
        pg_server.drop_roles([names.migrator, names.app, names.worker, names.readonly, names.owner])


def as_role(db: RoleModelDb, role: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(db.login(role), autocommit=True)


def assert_denied(conn: psycopg.Connection[tuple[object, ...]], statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(statement)  # type: ignore[arg-type]
    assert caught.value.sqlstate == INSUFFICIENT_PRIVILEGE


def test_objects_belong_to_the_owner_and_audit_is_clean(role_model_db: RoleModelDb) -> None:
    db = role_model_db
    with psycopg.connect(db.superuser) as conn:
        owners = {
            str(r[0])
            for r in conn.execute(
                "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
                "WHERE relnamespace = 'xferity'::regnamespace"
            )
        }
        assert owners == {db.names.owner}
        findings = audit(conn, db.names)
    assert findings == [], [f.line() for f in findings]
    result = run_cli("grants", "--check", "--dsn", db.superuser, "--json", *role_args(db.names))
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout) == {"findings": [], "ok": True}


def acl_state(dsn: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            """
            SELECT 'rel', c.oid::regclass::text, c.relacl::text, pg_get_userbyid(c.relowner)
            FROM pg_class c WHERE c.relnamespace = 'xferity'::regnamespace
            UNION ALL
            SELECT 'col', a.attrelid::regclass::text || '.' || a.attname, a.attacl::text, ''
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'xferity'::regnamespace AND a.attacl IS NOT NULL
            UNION ALL
            SELECT 'fn', p.oid::regprocedure::text, p.proacl::text, pg_get_userbyid(p.proowner)
            FROM pg_proc p WHERE p.pronamespace = 'xferity'::regnamespace
            UNION ALL
            SELECT 'ns', nspname, nspacl::text, pg_get_userbyid(nspowner) FROM pg_namespace
            UNION ALL
            SELECT 'defacl', defaclrole::regrole::text || defaclobjtype::text, defaclacl::text,
                   defaclnamespace::regnamespace::text FROM pg_default_acl
            UNION ALL
            SELECT 'db', datname, datacl::text, ''
            FROM pg_database WHERE datname = current_database()
            ORDER BY 1, 2, 3, 4
            """
        ).fetchall()


def test_second_run_changes_nothing(role_model_db: RoleModelDb) -> None:
    before = acl_state(role_model_db.superuser)
    role_model_db.run_script()
    assert acl_state(role_model_db.superuser) == before


def test_application_role_has_dml_and_nothing_more(role_model_db: RoleModelDb) -> None:
    db = role_model_db
    with as_role(db, db.names.app) as conn:
        conn.execute("INSERT INTO xferity.auth_users (username, role) VALUES ('alice', 'viewer')")
        conn.execute("UPDATE xferity.auth_users SET disabled = true WHERE username = 'alice'")
        conn.execute("SELECT count(*) FROM xferity.flow_runs")
        conn.execute("SELECT xferity.enqueue_job('demo.kind')")
        conn.execute("SELECT * FROM xferity.queue_depth")
        conn.execute("SELECT count(*) FROM xferity.schema_migrations")
        conn.execute("DELETE FROM xferity.auth_users WHERE username = 'alice'")
        assert_denied(conn, "CREATE TABLE xferity.intruder (id int)")
        assert_denied(conn, "ALTER TABLE xferity.jobs ADD COLUMN intruder int")
        assert_denied(conn, "DROP TABLE xferity.flow_runs")
        assert_denied(conn, "TRUNCATE xferity.flow_runs")
        assert_denied(conn, "INSERT INTO xferity.schema_migrations VALUES ('x', repeat('0', 64))")
        assert_denied(conn, "SELECT xferity.reset_all_data()")


def test_readonly_role_never_sees_secrets(role_model_db: RoleModelDb) -> None:
    db = role_model_db
    with as_role(db, db.names.readonly) as conn:
        conn.execute("SELECT * FROM xferity.flow_runs")
        conn.execute("SELECT session_id, user_id, expires_at FROM xferity.auth_sessions")
        conn.execute("SELECT name, fingerprint_sha256 FROM xferity.certificates")
        assert_denied(conn, "SELECT ciphertext FROM xferity.vault_secrets")
        assert_denied(conn, "SELECT name FROM xferity.vault_secrets")
        assert_denied(conn, "SELECT token_sha256 FROM xferity.auth_sessions")
        assert_denied(conn, "SELECT password_hash FROM xferity.auth_users")
        assert_denied(conn, "SELECT private_key_ref FROM xferity.certificates")
        assert_denied(conn, "SELECT private_key_ref FROM xferity.pgp_keys")
        assert_denied(conn, "INSERT INTO xferity.flow_runs DEFAULT VALUES")


def test_worker_role_works_the_queue_only(role_model_db: RoleModelDb) -> None:
    db = role_model_db
    with as_role(db, db.names.worker) as conn:
        job_id = conn.execute("SELECT xferity.enqueue_job('demo.kind')").fetchone()
        assert job_id is not None
        conn.execute("SELECT xferity.register_worker('w1', 'host-a')")
        claimed = conn.execute("SELECT id FROM xferity.claim_job('w1')").fetchall()
        assert [row[0] for row in claimed] == [job_id[0]]
        done = conn.execute("SELECT xferity.complete_job(%s, 'w1')", (job_id[0],)).fetchone()
        assert done == (True,)
        assert_denied(conn, "SELECT * FROM xferity.auth_users")
        assert_denied(conn, "SELECT * FROM xferity.auth_sessions")
        assert_denied(conn, "SELECT * FROM xferity.vault_secrets")
        assert_denied(conn, "SELECT * FROM xferity.jobs")
        assert_denied(conn, "SELECT * FROM xferity.find_live_session(repeat('a', 64))")


def test_public_cannot_call_the_api(
    role_model_db: RoleModelDb, make_role: Callable[..., str]
) -> None:
    stranger = make_role("xferity_stranger", password=PASSWORD)
    db = role_model_db
    with psycopg.connect(db.superuser, autocommit=True) as conn:  # let it connect, nothing more
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(db.dbname), sql.Identifier(stranger)
            )
        )
    with as_role(db, stranger) as conn:
        assert_denied(conn, "SELECT xferity.enqueue_job('x')")
        assert_denied(conn, "SELECT * FROM xferity.flow_runs")
    with psycopg.connect(db.superuser) as conn:
        public_exec = conn.execute(
            "SELECT count(*) FROM pg_proc WHERE pronamespace = 'xferity'::regnamespace "
            "AND has_function_privilege('public', oid, 'EXECUTE')"
        ).fetchone()
        assert public_exec == (0,)


def test_later_migration_grants_dml_automatically(
    role_model_db: RoleModelDb, tmp_path: Path
) -> None:
    db = role_model_db
    later = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), later)
    (later / "0999_later_table.sql").write_text(
        "-- a table from a future release\n"
        "CREATE TABLE xferity.later_things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        " label text NOT NULL);\n"
        "CREATE FUNCTION xferity.later_count() RETURNS bigint LANGUAGE sql STABLE"
        " AS 'SELECT count(*) FROM xferity.later_things';\n"
    )
    result = run_cli(
        "apply", "--dsn", db.login(db.names.migrator), "--owner-role", db.names.owner,
        "--migrations-dir", str(later),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with as_role(db, db.names.app) as conn:
        conn.execute("INSERT INTO xferity.later_things (label) VALUES ('new')")
        assert conn.execute("SELECT xferity.later_count()").fetchone() == (1,)
    with as_role(db, db.names.worker) as conn:
        assert_denied(conn, "SELECT xferity.later_count()")


def test_check_finds_hand_made_excess_and_revocation(role_model_db: RoleModelDb) -> None:
    db = role_model_db
    with psycopg.connect(db.superuser, autocommit=True) as conn:
        conn.execute(
            sql.SQL("GRANT TRUNCATE ON xferity.jobs TO {}").format(sql.Identifier(db.names.app))
        )
        conn.execute(
            sql.SQL("REVOKE INSERT ON xferity.flow_runs FROM {}").format(
                sql.Identifier(db.names.app)
            )
        )
        conn.execute("GRANT SELECT ON xferity.vault_secrets TO PUBLIC")
        conn.execute(
            sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(db.names.app), sql.Identifier(db.names.readonly)
            )
        )
    result = run_cli("grants", "--check", "--dsn", db.superuser, *role_args(db.names))
    assert result.exit_code == 6
    out = result.stdout
    assert (
        f"excess: TRUNCATE on table xferity.jobs for {db.names.app} (held via direct grant)" in out
    )
    assert f"missing: INSERT on table xferity.flow_runs for {db.names.app}" in out
    assert f"SELECT on table xferity.vault_secrets for {db.names.readonly} (held via PUBLIC)" in out
    assert f"role {db.names.readonly} is a member of {db.names.app}" in out
    assert (
        f"DELETE on table xferity.flow_runs for {db.names.readonly} (held via role membership)"
        in out
    )
    assert "PUBLIC holds SELECT on xferity.vault_secrets" in out


def test_missing_default_privileges_are_reported(role_model_db: RoleModelDb) -> None:
    db = role_model_db
    with psycopg.connect(db.superuser, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA xferity "
                "REVOKE USAGE ON SEQUENCES FROM {}"
            ).format(sql.Identifier(db.names.owner), sql.Identifier(db.names.app))
        )
    with psycopg.connect(db.superuser) as conn:
        lines = [f.line() for f in audit(conn, db.names)]
    assert any("GRANT USAGE ON sequences" in line for line in lines), lines


HOSTILE = ['x"; DROP TABLE y; --', "a'b", "Mixed Case Role", "semi;colon"]


def test_hostile_role_names_are_quoted_harmlessly(pg_server: ScratchServer, fresh_db: str) -> None:
    suffix = uuid.uuid4().hex[:6]
    names = RoleNames(*(f"{h}{i}{suffix}" for i, h in enumerate([*HOSTILE, "plain"])))
    dbname = conninfo_to_dict(fresh_db)["dbname"]
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE y (id int)")
    db = RoleModelDb(pg_server, dbname, names)
    try:
        db.run_script()
        with psycopg.connect(fresh_db) as conn:
            assert conn.execute("SELECT to_regclass('public.y') IS NOT NULL").fetchone() == (True,)
            created = {
                str(r[0])
                for r in conn.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                    ([names.owner, names.migrator, names.app, names.worker, names.readonly],),
                )
            }
        assert created == {names.owner, names.migrator, names.app, names.worker, names.readonly}
    finally:
        pg_server.drop_roles([names.migrator, names.app, names.worker, names.readonly, names.owner])


@pytest.mark.parametrize("bad", ["bad$$name", "new\nline", "x" * 64, ""])
def test_unsafe_role_names_are_refused(bad: str) -> None:
    result = run_cli("grants", "--app-role", bad)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_script_never_holds_a_password_and_maps_logins() -> None:
    result = run_cli("grants", "--login", "deploy=migrator", "--login", "xferity=app")
    assert result.exit_code == 0
    script = result.stdout
    code_lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    assert not any(re.search(r"\bPASSWORD\s+(E?'|NULL)", line, re.I) for line in code_lines)
    assert 'GRANT "xferity_migrator" TO "deploy";' in script
    assert 'GRANT "xferity_app" TO "xferity";' in script
    assert " ALL ON" not in script.replace("REVOKE ALL ON", "")
    bad = run_cli("grants", "--login", "deploy=owner")
    assert bad.exit_code == 1 and "--login maps onto one of" in bad.stderr


def test_operator_functions_are_the_apps_not_the_workers(role_model_db: RoleModelDb) -> None:
    """0015's cancel/retry/reschedule/discard/stats go to the application role; a worker login
    keeps the job API and worker_health only."""
    db = role_model_db
    with as_role(db, db.names.app) as conn:
        job = conn.execute("SELECT xferity.enqueue_job('demo.kind')").fetchone()
        assert job is not None
        assert conn.execute("SELECT xferity.cancel_job(%s)", job).fetchone() == ("cancelled",)
        assert conn.execute("SELECT xferity.retry_job(%s)", job).fetchone() == ("retried",)
        conn.execute("SELECT xferity.reschedule_job(%s, now())", job)
        conn.execute("SELECT * FROM xferity.queue_stats()")
        conn.execute("SELECT xferity.discard_jobs()")
        conn.execute("SELECT * FROM xferity.stalled_workers")
    with as_role(db, db.names.worker) as conn:
        assert conn.execute("SELECT live_workers FROM xferity.worker_health()").fetchone() == (0,)
        for call in (
            "SELECT xferity.cancel_job(1)",
            "SELECT xferity.retry_job(1)",
            "SELECT xferity.retry_failed_jobs()",
            "SELECT xferity.reschedule_job(1, now())",
            "SELECT xferity.discard_jobs()",
            "SELECT * FROM xferity.queue_stats()",
            "SELECT * FROM xferity.stalled_workers",
        ):
            assert_denied(conn, call)
