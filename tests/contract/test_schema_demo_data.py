"""Demo data fills every table; `xferity.reset_all_data()` empties them all again.

Also checks the promise in the demo file names: `sql/demo/NNNN_x.sql` loads right after migration
NNNN_x, before any later migration exists.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.support.schema import FEATURE_MIGRATIONS, run_migration_sql, table_counts
from xferity_schema.core.contract import TRACKING_TABLES
from xferity_schema.core.paths import demo_dir, migrations_dir
from xferity_schema.migrate.demo import load_demo_data
from xferity_schema.migrate.files import read_migration_set


def demo_files() -> list[Path]:
    """Every demo file on disk, so that one named after no migration is noticed."""
    return sorted(demo_dir().glob("[0-9][0-9][0-9][0-9]_*.sql"))


def load(conn: psycopg.Connection[tuple[object, ...]], path: Path) -> None:
    load_demo_data(conn, [path.stem], directory=path.parent)


def test_every_migration_with_tables_has_demo_data() -> None:
    migrations = {m.id for m in read_migration_set(migrations_dir())}
    demos = {p.stem for p in demo_files()}
    assert demos <= migrations, "a demo file must be named after its migration"
    for feature in FEATURE_MIGRATIONS:
        assert feature in demos


def test_demo_data_fills_every_table_and_reset_empties_them(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        tracked_before = table_counts(conn)["schema_migrations"]
        for path in demo_files():
            load(conn, path)

        counts = table_counts(conn)
        empty = sorted(t for t, n in counts.items() if n == 0 and t not in TRACKING_TABLES)
        assert empty == []

        conn.execute("SELECT xferity.reset_all_data()")
        after = table_counts(conn)
        assert {t: n for t, n in after.items() if n and t not in TRACKING_TABLES} == {}
        assert after["schema_migrations"] == tracked_before > 0
        assert after["schema_migration_log"] > 0

        # Identities restart, and the demo set loads again on the reset database.
        row = conn.execute(
            "INSERT INTO xferity.auth_users (username) VALUES ('first') RETURNING user_id"
        ).fetchone()
        assert row == (1,)
        conn.execute("SELECT xferity.reset_all_data()")
        for path in demo_files():
            load(conn, path)


def test_reset_covers_tables_added_later(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            'CREATE TABLE xferity."Later Table" '
            "(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"
        )
        conn.execute('INSERT INTO xferity."Later Table" DEFAULT VALUES')
        conn.execute("SELECT xferity.reset_all_data()")
        row = conn.execute('SELECT count(*) FROM xferity."Later Table"').fetchone()
        assert row == (0,)


def test_reset_is_not_executable_by_public(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_proc AS p, aclexplode(coalesce(p.proacl, "
            "acldefault('f', p.proowner))) AS a "
            "WHERE p.oid = 'xferity.reset_all_data()'::regprocedure AND a.grantee = 0"
        ).fetchone()
        assert row == (0,)
        comment = conn.execute(
            "SELECT obj_description('xferity.reset_all_data()'::regprocedure, 'pg_proc')"
        ).fetchone()
        assert comment is not None
        assert "TEST/DEV" in str(comment[0])


def test_each_demo_file_loads_right_after_its_migration(fresh_db: str) -> None:
    """Migrations applied one by one (no runner), each followed by its own demo file."""
    demos = {p.stem: p for p in demo_files()}
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        for migration in read_migration_set(migrations_dir()):
            run_migration_sql(conn, migration)
            if migration.id in demos:
                load(conn, demos.pop(migration.id))
        assert demos == {}
