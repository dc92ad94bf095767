"""xferity.role_model is created by whichever comes first, the DBA's script or migration 0013:
both definitions must give the same table, comments and privileges, and reset_all_data() keeps
its rows."""

from __future__ import annotations

import psycopg
from psycopg import sql

from tests.support.role_model import model_db, unique_names
from xferity_schema.compare.diff import diff_snapshots
from xferity_schema.compare.snapshot import snapshot_schema
from xferity_schema.core.paths import migrations_dir
from xferity_schema.core.progress import silent
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.owner import apply_as_owner
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.servers.scratch import ScratchServer

MIGRATIONS = read_migration_set(migrations_dir())


def test_script_first_and_migration_first_give_the_same_schema(pg_server: ScratchServer) -> None:
    names = unique_names()  # roles are cluster-wide: both databases share one role model
    with (
        model_db(pg_server, names=names) as script_first,
        model_db(pg_server, names=names) as migration_first,
    ):
        script_first.run_script()
        with psycopg.connect(script_first.superuser, autocommit=True) as conn:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(names.migrator)))
            apply_as_owner(conn, MIGRATIONS, names.owner, silent)
        with psycopg.connect(migration_first.superuser, autocommit=True) as conn:
            apply_migrations(conn, MIGRATIONS)  # one-user install, adopted afterwards
        migration_first.run_script()
        with (
            psycopg.connect(script_first.superuser) as left,
            psycopg.connect(migration_first.superuser) as right,
        ):
            diff = diff_snapshots(
                snapshot_schema(left), snapshot_schema(right), "script first", "migration first"
            )
    assert diff.equal, diff.differences


def test_reset_all_data_keeps_the_role_model(pg_server: ScratchServer) -> None:
    with model_db(pg_server) as db:
        db.run_script()
        with psycopg.connect(db.superuser, autocommit=True) as conn:
            apply_migrations(conn, MIGRATIONS)
            conn.execute("SELECT xferity.reset_all_data()")
            rows = conn.execute("SELECT count(*) FROM xferity.role_model").fetchone()
    assert rows == (5,)
