"""Least privilege that survives upgrades: the DBA's script runs once, at the start; every later
migration run is `apply` as the migrator login, and afterwards the app, worker and read-only
roles each do their job and no more, with `grants --check` clean."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tests.support.cli import run_cli
from tests.support.role_model import model_db, role_args
from xferity_schema.core.paths import migrations_dir
from xferity_schema.core.progress import silent
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.owner import apply_as_owner, become_owner
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.roles.audit import audit
from xferity_schema.servers.scratch import ScratchServer
from xferity_schema.upgrade.check import check_upgrade
from xferity_schema.upgrade.migrators import RoleModelMigrator
from xferity_schema.upgrade.probes import probe_runtime_roles

MIGRATIONS = read_migration_set(migrations_dir())


@pytest.mark.parametrize("prefix", range(len(MIGRATIONS)), ids=lambda k: f"from-{k:04d}")
def test_upgrade_from_each_prefix_needs_no_dba_step(pg_server: ScratchServer, prefix: int) -> None:
    with model_db(pg_server) as db:
        db.run_script()  # the only DBA step, before anything is migrated
        db.set_passwords()
        with psycopg.connect(db.login(db.names.migrator), autocommit=True) as conn:
            apply_as_owner(conn, MIGRATIONS[:prefix], db.names.owner, silent)  # the old release
        result = db.apply()  # the upgrade: the current release's `apply`
        assert result.exit_code == 0, result.stdout + result.stderr
        with psycopg.connect(db.superuser, autocommit=True) as conn:
            assert probe_runtime_roles(conn, db.names) == []
            assert [f.line() for f in audit(conn, db.names)] == []
        check = run_cli("grants", "--check", "--dsn", db.superuser, *role_args(db.names))
        assert check.exit_code == 0, check.stdout
        with db.connect(db.names.worker) as conn:  # as the real login, too
            conn.execute("SELECT xferity.register_worker('w1', 'host-a')")
            conn.execute("SELECT xferity.enqueue_job('demo.kind')")
            assert conn.execute("SELECT count(*) FROM xferity.claim_job('w1')").fetchone() == (1,)


def test_without_the_reassertion_the_worker_is_locked_out(pg_server: ScratchServer) -> None:
    """What an upgrade did before: migrate as the owner, nothing more. The probes see it."""
    with model_db(pg_server) as db:
        db.run_script()
        db.set_passwords()
        with psycopg.connect(db.login(db.names.migrator), autocommit=True) as conn:
            become_owner(conn, db.names.owner, silent)
            apply_migrations(conn, MIGRATIONS)  # no grant_role_model()
        with psycopg.connect(db.superuser, autocommit=True) as conn:
            problems = probe_runtime_roles(conn, db.names)
            findings = [f.line() for f in audit(conn, db.names)]
    assert any("cannot do its job: worker works the queue" in p for p in problems), problems
    assert any("can do more than its job: app writes bookkeeping" in p for p in problems), problems
    assert any("EXECUTE on function xferity.claim_job" in f for f in findings), findings


class _MigratorWithoutReassertion(RoleModelMigrator):
    """Today's code before this change: migrate as the owner, no grant_role_model()."""

    def apply(self, server: ScratchServer, dbname: str, migrations: object) -> None:
        if dbname not in self._prepared:
            self.run_grant_script(server, dbname)
            self._prepared.add(dbname)
        with self._as_migrator(server, dbname) as conn:
            apply_migrations(conn, list(migrations))  # type: ignore[call-overload]


def test_check_upgrade_fails_when_an_upgrade_needs_a_dba_step(pg_server: ScratchServer) -> None:
    report = check_upgrade(
        pg_server, MIGRATIONS, [], demo_dir=None, migrator=_MigratorWithoutReassertion(),
        rollbacks=False,
    )  # fmt: skip
    fresh = report.results[0]
    assert not fresh.passed
    assert any("cannot do its job" in p for p in fresh.problems), fresh.problems
    passing = check_upgrade(pg_server, MIGRATIONS, [], demo_dir=None, rollbacks=False)
    assert passing.results[0].passed, passing.results[0].problems


def test_any_runner_gets_the_model_from_one_sql_call(pg_server: ScratchServer) -> None:
    """Xferity's Go binary: migrate as the owner by its own means, then
    `SELECT xferity.grant_role_model()`; a second call changes nothing."""
    with model_db(pg_server) as db:
        db.run_script()
        with psycopg.connect(db.superuser, autocommit=True) as conn:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(db.names.owner)))
            apply_migrations(conn, MIGRATIONS)
            first = conn.execute("SELECT xferity.grant_role_model()").fetchone()
            second = conn.execute("SELECT xferity.grant_role_model()").fetchone()
            conn.execute("RESET ROLE")
            assert [f.line() for f in audit(conn, db.names)] == []
            assert probe_runtime_roles(conn, db.names) == []
        assert first is not None and int(str(first[0])) > 0
        assert second == (0,)


def test_grant_role_model_refuses_a_caller_that_is_not_the_owner(
    pg_server: ScratchServer,
) -> None:
    with model_db(pg_server) as db:
        db.run_script()
        with psycopg.connect(db.superuser, autocommit=True) as conn:
            apply_migrations(conn, MIGRATIONS)
            conn.execute(
                sql.SQL("GRANT EXECUTE ON FUNCTION xferity.grant_role_model() TO {}").format(
                    sql.Identifier(db.names.app)
                )
            )
            conn.execute(
                sql.SQL("GRANT SELECT ON xferity.role_model TO {}").format(
                    sql.Identifier(db.names.app)
                )
            )
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(db.names.app)))
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
                conn.execute("SELECT xferity.grant_role_model()")
    assert f"must run as the owner role {db.names.owner}" in str(caught.value)
