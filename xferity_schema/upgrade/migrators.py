"""Who applies migrations during an upgrade check: the superuser, or the least-privilege
migrator of the role model (see `xferity-schema grants`).

The role-model migrator follows the DBA's documented steps on each scratch database: the grant
script run as superuser, the migrations applied by the migrator role acting as the owner role
(SET ROLE, as `apply` does), the grant script run again. Its session is a superuser login that
SET ROLEs to the migrator, so no password or pg_hba entry is needed, while every privilege check
is the migrator's own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import astuple
from typing import Protocol

import psycopg
from psycopg import sql

from xferity_schema.core.db import Connection
from xferity_schema.core.errors import describe_database_error
from xferity_schema.core.progress import Progress, silent
from xferity_schema.core.queries import QueryFile, statement
from xferity_schema.migrate.files import Migration
from xferity_schema.migrate.owner import become_owner
from xferity_schema.migrate.runner import apply_migrations, rollback_migration
from xferity_schema.roles.names import RoleNames
from xferity_schema.roles.script import render_grant_script
from xferity_schema.servers.scratch import ScratchServer

QUERIES = QueryFile(__package__, "scratch_roles.sql")


def role_model_aliases(names: RoleNames) -> dict[str, str]:
    """Each role of the model by what it is, so that databases whose role model uses other
    names compare equal (see compare.snapshot.snapshot_schema)."""
    return {
        names.owner: "<owner role>",
        names.migrator: "<migrator role>",
        names.app: "<app role>",
        names.worker: "<worker role>",
        names.readonly: "<readonly role>",
    }


class Migrator(Protocol):
    description: str

    def on_server(self, server: ScratchServer, progress: Progress) -> AbstractContextManager[None]:
        """Set up (and afterwards tear down) what the migrator needs cluster-wide."""
        ...

    def apply(
        self, server: ScratchServer, dbname: str, migrations: Sequence[Migration]
    ) -> None: ...

    def rollback(self, server: ScratchServer, dbname: str, migration: Migration) -> None: ...


class SuperuserMigrator:
    """One-user mode: the scratch server's superuser applies everything."""

    description = "the superuser"

    @contextmanager
    def on_server(self, server: ScratchServer, progress: Progress) -> Iterator[None]:
        yield

    def apply(self, server: ScratchServer, dbname: str, migrations: Sequence[Migration]) -> None:
        with psycopg.connect(server.superuser_dsn(dbname), autocommit=True) as conn:
            apply_migrations(conn, migrations)

    def rollback(self, server: ScratchServer, dbname: str, migration: Migration) -> None:
        with psycopg.connect(server.superuser_dsn(dbname), autocommit=True) as conn:
            rollback_migration(conn, migration)


class RoleModelMigrator:
    """Least privilege: the migrator role of the role model, acting as the owner role.

    Roles are cluster-wide, so each check uses its own uniquely named set, dropped at the end."""

    def __init__(self, names: RoleNames | None = None) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.names = names or RoleNames(
            owner=f"xferity_owner_{suffix}",
            migrator=f"xferity_migrator_{suffix}",
            app=f"xferity_app_{suffix}",
            worker=f"xferity_worker_{suffix}",
            readonly=f"xferity_readonly_{suffix}",
        )
        self.description = f"the least-privilege migrator role {self.names.migrator}"

    @contextmanager
    def on_server(self, server: ScratchServer, progress: Progress) -> Iterator[None]:
        try:
            yield
        finally:
            self._drop_roles(server, progress)

    def apply(self, server: ScratchServer, dbname: str, migrations: Sequence[Migration]) -> None:
        self.run_grant_script(server, dbname)
        with self._as_migrator(server, dbname) as conn:
            apply_migrations(conn, migrations)
        self.run_grant_script(server, dbname)

    def rollback(self, server: ScratchServer, dbname: str, migration: Migration) -> None:
        with self._as_migrator(server, dbname) as conn:
            rollback_migration(conn, migration)

    def run_grant_script(self, server: ScratchServer, dbname: str) -> None:
        """The DBA's step, as documented: the whole script in one transaction, as superuser."""
        script = render_grant_script(self.names, dbname, [])
        with psycopg.connect(server.superuser_dsn(dbname)) as conn:
            conn.execute(statement(script))  # rendered by roles.script

    @contextmanager
    def _as_migrator(self, server: ScratchServer, dbname: str) -> Iterator[Connection]:
        with psycopg.connect(server.superuser_dsn(dbname), autocommit=True) as conn:
            conn.execute(
                QUERIES["set_role"].format(
                    role=sql.Identifier(self.names.migrator)
                )
            )
            become_owner(conn, self.names.owner, silent)
            yield conn

    def _drop_roles(self, server: ScratchServer, progress: Progress) -> None:
        try:
            server.drop_roles(list(astuple(self.names)))
        except psycopg.Error as exc:
            progress(f"warning: could not drop the check's roles: {describe_database_error(exc)}")
