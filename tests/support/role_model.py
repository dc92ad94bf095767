"""A database under the role model on the test server: roles with unique names (roles are
cluster-wide), logins with a password, the DBA's script, and what each role may do."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.support.cli import CliResult, run_cli
from xferity_schema.roles.names import RoleNames
from xferity_schema.roles.script import render_grant_script
from xferity_schema.servers.scratch import ScratchServer

PASSWORD = "test-only-password"
Conn = psycopg.Connection[tuple[object, ...]]


def unique_names() -> RoleNames:
    suffix = uuid.uuid4().hex[:8]
    return RoleNames(
        owner=f"xo_{suffix}",
        migrator=f"xm_{suffix}",
        app=f"xa_{suffix}",
        worker=f"xw_{suffix}",
        readonly=f"xr_{suffix}",
    )


def role_args(names: RoleNames) -> list[str]:
    return [
        "--owner-role", names.owner, "--migrator-role", names.migrator, "--app-role", names.app,
        "--worker-role", names.worker, "--readonly-role", names.readonly,
    ]  # fmt: skip


@dataclass
class ModelDb:
    """One database, its role names, and who runs the DBA's script (superuser or a DBA)."""

    server: ScratchServer
    dbname: str
    names: RoleNames
    dba: str | None = None  # a managed-style DBA login; None: the superuser
    extra_roles: list[str] = field(default_factory=list)

    @property
    def superuser(self) -> str:
        return self.server.superuser_dsn(self.dbname)

    def login(self, role: str, dbname: str | None = None) -> str:
        params = conninfo_to_dict(self.superuser)
        params.update(user=role, password=PASSWORD, dbname=dbname or self.dbname)
        return make_conninfo("", **params)

    @property
    def dba_dsn(self) -> str:
        return self.login(self.dba) if self.dba else self.superuser

    def script(self, logins: list[tuple[str, str]] | None = None, adopt: bool = False) -> str:
        return render_grant_script(
            self.names, self.dbname, logins or [], adopt_privileged_roles=adopt
        )

    def run_script(self, text: str | None = None) -> None:
        """The DBA's step: the whole script in one transaction, as the README says."""
        with psycopg.connect(self.dba_dsn) as conn:
            conn.execute(sql.SQL(text or self.script()))

    def set_passwords(self, *roles: str) -> None:
        with psycopg.connect(self.server.superuser_dsn(), autocommit=True) as conn:
            for role in roles or self.logins():
                conn.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        sql.Identifier(role), sql.Literal(PASSWORD)
                    )
                )

    def logins(self) -> list[str]:
        n = self.names
        return [n.migrator, n.app, n.worker, n.readonly]

    def apply(self, *extra: str) -> CliResult:
        """`apply` as the migrator login, as the README says."""
        return run_cli("apply", "--dsn", self.login(self.names.migrator),
                       "--owner-role", self.names.owner, *extra)  # fmt: skip

    def connect(self, role: str) -> Conn:
        return psycopg.connect(self.login(role), autocommit=True)

    def all_roles(self) -> list[str]:
        n = self.names
        return [*self.extra_roles, n.migrator, n.app, n.worker, n.readonly, n.owner]


def superuser_exec(server: ScratchServer, dbname: str, query: sql.Composed | sql.SQL) -> None:
    with psycopg.connect(server.superuser_dsn(dbname), autocommit=True) as conn:
        conn.execute(query)


@contextmanager
def model_db(
    server: ScratchServer, *, managed: bool = False, names: RoleNames | None = None
) -> Iterator[ModelDb]:
    """A new database; with `managed`, created by and owned by a non-superuser DBA with
    CREATEROLE and CREATEDB (RDS, Cloud SQL, Azure), who then runs the script."""
    names = names or unique_names()
    dbname = f"xferity_rm_{uuid.uuid4().hex[:10]}"
    db = ModelDb(server, dbname, names)
    try:
        if managed:
            db.dba = f"xdba_{uuid.uuid4().hex[:8]}"
            db.extra_roles.append(db.dba)
            superuser_exec(
                server,
                "postgres",
                sql.SQL("CREATE ROLE {} LOGIN CREATEROLE CREATEDB PASSWORD {}").format(
                    sql.Identifier(db.dba), sql.Literal(PASSWORD)
                ),
            )
            with psycopg.connect(db.login(db.dba, "postgres"), autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        else:
            server.create_database(dbname)
        yield db
    finally:
        server.drop_database(dbname)
        # Roles the DBA created depend on it on 16+ (ADMIN grants): drop them first.
        server.drop_roles(db.all_roles()[len(db.extra_roles) :] + db.extra_roles)


def assert_denied(conn: Conn, statement: str | sql.Composed) -> None:
    query = sql.SQL(statement) if isinstance(statement, str) else statement  # the tests' own
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(query)


def select_column(table: str, column: str) -> sql.Composed:
    return sql.SQL("SELECT {} FROM {}").format(
        sql.Identifier(column), sql.Identifier("xferity", table)
    )


def catalog_state(dsn: str) -> list[tuple[object, ...]]:
    """Everything the grant script may touch. Default ACLs down to the physical row (ctid,
    xmin): rewriting them on every run is what made a second run look different on PG 13
    (rows rewritten in another heap order, compared by a key with ties)."""
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            """
            SELECT 'rel', c.oid::regclass::text, c.relacl::text, c.relowner::regrole::text,
                   ''
            FROM pg_class c WHERE c.relnamespace = 'xferity'::regnamespace
            UNION ALL
            SELECT 'col', a.attrelid::regclass::text || '.' || a.attname, a.attacl::text, '',
                   ''
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'xferity'::regnamespace AND a.attacl IS NOT NULL
            UNION ALL
            SELECT 'fn', p.oid::regprocedure::text, p.proacl::text, p.proowner::regrole::text,
                   ''
            FROM pg_proc p WHERE p.pronamespace = 'xferity'::regnamespace
            UNION ALL
            SELECT 'ns', nspname, nspacl::text, nspowner::regrole::text, ''
            FROM pg_namespace
            UNION ALL
            SELECT 'defacl', defaclrole::regrole::text || ' ' || defaclobjtype::text || ' '
                   || defaclnamespace::regnamespace::text, defaclacl::text, ctid::text,
                   xmin::text
            FROM pg_default_acl
            UNION ALL
            SELECT 'db', datname, datacl::text, datdba::regrole::text, ''
            FROM pg_database WHERE datname = current_database()
            UNION ALL
            SELECT 'role', rolname, concat_ws(',', rolsuper, rolcreaterole, rolcreatedb,
                   rolcanlogin, rolreplication, rolbypassrls), '', ''
            FROM pg_authid
            UNION ALL
            SELECT 'member', roleid::regrole::text || ' > ' || member::regrole::text,
                   grantor::regrole::text, admin_option::text, ''
            FROM pg_auth_members
            UNION ALL
            SELECT 'role_model', kind, role_name, '', '' FROM xferity.role_model
            ORDER BY 1, 2, 3, 4, 5
            """
        ).fetchall()
