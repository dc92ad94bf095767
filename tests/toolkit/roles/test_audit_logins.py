"""`grants --check` covers what logs in: each miss of the old audit, made on a real cluster,
is reported, saying how the privilege is held; --json and exit 6 stay."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from tests.support.cli import run_cli
from tests.support.role_model import ModelDb, model_db, role_args
from xferity_schema.servers.scratch import ScratchServer


@pytest.fixture
def audited(pg_server: ScratchServer) -> Iterator[ModelDb]:
    """Script (with a worker login and an app login) and apply: the audit is clean."""
    with model_db(pg_server) as db:
        suffix = uuid.uuid4().hex[:6]
        worker_login, app_login = f"wlogin_{suffix}", f"alogin_{suffix}"
        db.extra_roles += [worker_login, app_login, f"group_{suffix}"]
        db.run_script(db.script([(worker_login, "worker"), (app_login, "app")]))
        db.set_passwords()
        assert db.apply().exit_code == 0
        result = run_cli("grants", "--check", "--dsn", db.superuser, *role_args(db.names))
        assert result.exit_code == 0, result.stdout
        yield db


def _mutate(db: ModelDb, template: str) -> None:
    worker_login, app_login, group = db.extra_roles[-3:]
    query = sql.SQL(template).format(
        owner=sql.Identifier(db.names.owner),
        app=sql.Identifier(db.names.app),
        worker=sql.Identifier(db.names.worker),
        readonly=sql.Identifier(db.names.readonly),
        worker_login=sql.Identifier(worker_login),
        app_login=sql.Identifier(app_login),
        group=sql.Identifier(group),
        database=sql.Identifier(db.dbname),
    )
    with psycopg.connect(db.superuser, autocommit=True) as conn:
        conn.execute(query)


def _expect(db: ModelDb, template: str) -> str:
    worker_login, app_login, group = db.extra_roles[-3:]
    return template.format(
        owner=db.names.owner, app=db.names.app, worker=db.names.worker,
        readonly=db.names.readonly, worker_login=worker_login, app_login=app_login,
        group=group, database=db.dbname,
    )  # fmt: skip


MISSES = [
    pytest.param(
        "GRANT {owner} TO {worker_login}",
        "login: login {worker_login} (acts as worker) is a member of role {owner} (granted "
        "directly by postgres): it can alter or drop every object of schema xferity",
        id="owner-granted-to-a-worker-login",
    ),
    pytest.param(
        "ALTER ROLE {app_login} SUPERUSER",
        "login: login {app_login} (acts as app) has attribute SUPERUSER",
        id="app-login-superuser",
    ),
    pytest.param(
        "CREATE ROLE {group} NOLOGIN; GRANT {app} TO {group}",
        "excess: role {app} of the model is granted to role {group} (granted by postgres)",
        id="model-role-granted-to-another",
    ),
    pytest.param(
        "GRANT {worker} TO {app_login}",
        "login: login {app_login} (acts as app) is a member of role {worker} (granted directly "
        "by postgres)",
        id="second-model-role-for-a-login",
    ),
    pytest.param(
        "GRANT TEMPORARY ON DATABASE {database} TO PUBLIC",
        "excess: PUBLIC holds TEMPORARY on database {database} (granted by postgres)",
        id="temp-to-public",
    ),
    pytest.param(
        "GRANT CREATE ON DATABASE {database} TO {app}",
        "excess: role {app} holds CREATE on database {database} (held via direct grant)",
        id="create-on-database",
    ),
    pytest.param(
        "GRANT CREATE ON SCHEMA public TO {worker}",
        "excess: role {worker} can CREATE in schema public (held via direct grant)",
        id="create-on-schema-public",
    ),
    pytest.param(
        "GRANT SELECT ON xferity.auth_users TO {worker_login}",
        "login: login {worker_login} (acts as worker) holds SELECT on table xferity.auth_users "
        "by direct grant",
        id="direct-grant-to-a-login",
    ),
    pytest.param(
        "ALTER FUNCTION xferity.claim_job(text, text[], integer, interval) "
        "SET search_path = public, xferity, pg_temp",
        "security definer: SECURITY DEFINER function xferity.claim_job(text,text[],integer,"
        "interval) (owned by {owner}) has an unsafe search_path (public, xferity, pg_temp): "
        "public is in it",
        id="security-definer-public-in-search-path",
    ),
    pytest.param(
        "ALTER FUNCTION xferity.claim_job(text, text[], integer, interval) "
        "SET search_path = xferity",
        "security definer: SECURITY DEFINER function xferity.claim_job(text,text[],integer,"
        "interval) (owned by {owner}) has an unsafe search_path (xferity): pg_temp is not last",
        id="security-definer-pg-temp-not-last",
    ),
    pytest.param(
        "ALTER FUNCTION xferity.claim_job(text, text[], integer, interval) "
        'SET search_path = "$user", xferity, pg_temp',
        "$user is in it",
        id="security-definer-user-in-search-path",
    ),
]


@pytest.mark.parametrize(("mutation", "finding"), MISSES)
def test_each_miss_is_reported(audited: ModelDb, mutation: str, finding: str) -> None:
    db = audited
    _mutate(db, mutation)
    result = run_cli("grants", "--check", "--dsn", db.superuser, *role_args(db.names))
    assert result.exit_code == 6, result.stdout
    assert _expect(db, finding) in result.stdout, result.stdout
    as_json = run_cli("grants", "--check", "--json", "--dsn", db.superuser, *role_args(db.names))
    assert as_json.exit_code == 6
    document = json.loads(as_json.stdout)
    assert document["ok"] is False
    detail = _expect(db, finding).split(": ", 1)[-1]
    assert any(detail in f["detail"] for f in document["findings"]), document


def test_owner_membership_lets_a_worker_login_truncate_secrets(audited: ModelDb) -> None:
    """Why the first miss matters: the login really can destroy data."""
    db = audited
    worker_login = db.extra_roles[-3]
    _mutate(db, "GRANT {owner} TO {worker_login}")
    db.set_passwords(worker_login)
    with db.connect(worker_login) as conn:
        conn.execute("TRUNCATE xferity.vault_secrets CASCADE")
