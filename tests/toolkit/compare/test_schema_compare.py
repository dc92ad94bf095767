"""Schema snapshots and their comparison, on a real server: equal schemas compare equal whatever
their creation order or server version, and each kind of change is named."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.cli import run_cli
from tests.support.paths import REPO_ROOT
from xferity_schema.compare.diff import diff_snapshots, strip_column_qualifiers
from xferity_schema.compare.snapshot import SchemaSnapshot, normalise_definition, snapshot_schema
from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.servers.local import embedded_bin_dir
from xferity_schema.servers.scratch import ScratchServer, throwaway_cluster
from xferity_schema.upgrade.migrators import RoleModelMigrator

PG_CACHE = REPO_ROOT / ".xferity-cache" / "pg"


def snapshot(dsn: str) -> SchemaSnapshot:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return snapshot_schema(conn)


def run_sql(dsn: str, *statements: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for text in statements:
            conn.execute(text)  # type: ignore[arg-type]


def differences(before: SchemaSnapshot, after: SchemaSnapshot) -> list[str]:
    return [d.text for d in diff_snapshots(before, after, "before", "after").differences]


def test_snapshot_of_a_database_equals_itself_and_its_clone(
    migrated_db: str, pg_server: ScratchServer, migrated_template: str
) -> None:
    first = snapshot(migrated_db)
    assert first.count() > 300  # tables, columns, constraints, indexes, functions, ...
    assert {"table", "column", "constraint", "index", "function", "view", "trigger"} <= set(
        first.objects
    )
    assert diff_snapshots(first, snapshot(migrated_db)).equal
    clone = pg_server.create_database(f"{migrated_template}_c", template=migrated_template)
    try:
        assert diff_snapshots(first, snapshot(clone)).equal
    finally:
        pg_server.drop_database(f"{migrated_template}_c")
    # A snapshot survives JSON, so a report or a cache can carry it.
    assert diff_snapshots(first, SchemaSnapshot.from_json(first.to_json())).equal


ORDER_A = (
    "CREATE SCHEMA xferity",
    "CREATE TABLE xferity.parents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "name text NOT NULL)",
    "CREATE TABLE xferity.children (id bigint PRIMARY KEY, "
    "parent_id bigint NOT NULL REFERENCES xferity.parents ON DELETE CASCADE, note text)",
    "ALTER TABLE xferity.children ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()",
    "CREATE INDEX children_parent_idx ON xferity.children (parent_id)",
    "CREATE FUNCTION xferity.child_count(p bigint) RETURNS bigint LANGUAGE sql STABLE "
    "AS $$ SELECT count(*) FROM xferity.children WHERE parent_id = p $$",
    "CREATE VIEW xferity.parent_sizes AS SELECT p.id, xferity.child_count(p.id) AS size "
    "FROM xferity.parents AS p",
    "COMMENT ON TABLE xferity.children IS 'Children.'",
    "COMMENT ON COLUMN xferity.children.note IS 'Free text.'",
)
ORDER_B = (
    "CREATE SCHEMA xferity",
    "CREATE TABLE xferity.parents (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "name text NOT NULL)",
    # Same columns, another attnum order; the same objects, created in another order.
    "CREATE TABLE xferity.children (created_at timestamptz NOT NULL DEFAULT now(), "
    "note text, parent_id bigint NOT NULL, id bigint PRIMARY KEY)",
    "COMMENT ON COLUMN xferity.children.note IS 'Free text.'",
    "CREATE FUNCTION xferity.child_count(p bigint) RETURNS bigint LANGUAGE sql STABLE "
    "AS $$ SELECT count(*) FROM xferity.children WHERE parent_id = p $$",
    "CREATE VIEW xferity.parent_sizes AS SELECT p.id, xferity.child_count(p.id) AS size "
    "FROM xferity.parents AS p",
    "CREATE INDEX children_parent_idx ON xferity.children (parent_id)",
    "ALTER TABLE xferity.children ADD CONSTRAINT children_parent_id_fkey "
    "FOREIGN KEY (parent_id) REFERENCES xferity.parents ON DELETE CASCADE",
    "COMMENT ON TABLE xferity.children IS 'Children.'",
)


def test_creation_order_does_not_matter(
    pg_server: ScratchServer, unique_name: Callable[[str], str]
) -> None:
    names = [unique_name("xferity_order"), unique_name("xferity_order")]
    try:
        dsns = [pg_server.create_database(name) for name in names]
        run_sql(dsns[0], *ORDER_A)
        # Something created and dropped first shifts every oid in the second database.
        run_sql(dsns[1], "CREATE TABLE shift (a int)", "DROP TABLE shift", *ORDER_B)
        a, b = snapshot(dsns[0]), snapshot(dsns[1])
        assert a.count() == b.count() > 15
        assert differences(a, b) == []
    finally:
        for name in names:
            pg_server.drop_database(name)


@pytest.fixture
def drift(migrated_db: str) -> Iterator[Callable[..., list[str]]]:
    """Apply statements to a migrated database; return the differences they make."""

    def make(*statements: str) -> list[str]:
        before = snapshot(migrated_db)
        run_sql(migrated_db, *statements)
        return differences(before, snapshot(migrated_db))

    yield make


def test_changed_default_is_named(drift: Callable[..., list[str]]) -> None:
    found = drift("ALTER TABLE xferity.jobs ALTER COLUMN priority SET DEFAULT 7")
    assert found == ["column xferity.jobs.priority: default 0 (before) ≠ 7 (after)"]


def test_changed_type_and_nullability_are_named(drift: Callable[..., list[str]]) -> None:
    found = drift(
        "ALTER TABLE xferity.jobs ALTER COLUMN priority TYPE smallint",
        "ALTER TABLE xferity.jobs ALTER COLUMN queue DROP NOT NULL",
    )
    assert "column xferity.jobs.priority: type integer (before) ≠ smallint (after)" in found
    assert "column xferity.jobs.queue: not null yes (before) ≠ no (after)" in found


def test_dropped_index_is_named(drift: Callable[..., list[str]]) -> None:
    assert drift("DROP INDEX xferity.jobs_running_idx") == [
        "index xferity.jobs_running_idx: only in before"
    ]


def test_changed_function_body_is_named(migrated_db: str) -> None:
    before = snapshot(migrated_db)
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        row = conn.execute(
            "SELECT pg_get_functiondef('xferity.reset_all_data()'::regprocedure)"
        ).fetchone()
        assert row is not None
        changed = str(row[0]).replace("TRUNCATE", "TRUNCATE /* changed by hand */", 1)
        conn.execute(changed)  # type: ignore[arg-type]
    found = differences(before, snapshot(migrated_db))
    assert len(found) == 1
    assert found[0].startswith("function xferity.reset_all_data(): definition differs: ")
    assert "/* changed by hand */" in found[0]


def test_changed_comment_is_named(drift: Callable[..., list[str]]) -> None:
    found = drift("COMMENT ON COLUMN xferity.jobs.priority IS 'Edited by hand.'")
    assert len(found) == 1
    assert found[0].startswith("column xferity.jobs.priority: comment ")
    assert "≠ Edited by hand. (after)" in found[0]


def test_changed_grant_is_named(
    drift: Callable[..., list[str]], make_role: Callable[..., str]
) -> None:
    role = make_role("xferity_grantee")
    found = drift(
        f'GRANT SELECT ON xferity.jobs TO "{role}"',
        "GRANT EXECUTE ON FUNCTION xferity.reset_all_data() TO PUBLIC",
    )
    assert f"table xferity.jobs: grants: only in after: {role}: SELECT" in found
    assert "function xferity.reset_all_data(): grants: only in after: PUBLIC: EXECUTE" in found


def test_default_privileges_and_owner_are_compared(
    drift: Callable[..., list[str]], make_role: Callable[..., str], migrated_db: str
) -> None:
    role = make_role("xferity_grantee")
    found = drift(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA xferity GRANT SELECT ON TABLES TO "{role}"',
        f'ALTER TABLE xferity.jobs OWNER TO "{role}"',
    )
    # Hand the table back, so that dropping the role does not try to drop it.
    run_sql(migrated_db, "ALTER TABLE xferity.jobs OWNER TO CURRENT_USER")
    assert any(
        line.startswith("default privileges for role ") and "only in after" in line
        for line in found
    ), found
    assert f"table xferity.jobs: owner <schema owner> (before) ≠ {role} (after)" in found


def test_missing_table_is_one_line_not_one_per_column(drift: Callable[..., list[str]]) -> None:
    found = drift("CREATE TABLE xferity.hand_made (id bigint PRIMARY KEY, note text)")
    assert found == [
        "table xferity.hand_made: only in after",
        "index xferity.hand_made_pkey: only in after",
    ]


def other_major_bin_dir(current_major: int) -> Path | None:
    """Binaries of another supported major: 14 from the matrix cache, or 18 embedded."""
    if current_major != 14:
        cached = Path(os.environ.get("XFERITY_TEST_PG14_BIN", PG_CACHE / "14" / "bin"))
        return cached if (cached / "postgres").exists() else None
    return embedded_bin_dir()


def test_same_migrations_on_another_major_version_compare_equal(
    migrated_db: str, pg_server: ScratchServer
) -> None:
    major = pg_server.major_version
    other = other_major_bin_dir(major)
    if other is None:
        pytest.skip("no PostgreSQL 14 binaries: run python scripts/pg_matrix.py --fetch-only")
    here = snapshot(migrated_db)
    with throwaway_cluster(other) as server:
        dsn = server.create_database("xferity_cross_version")
        with psycopg.connect(dsn, autocommit=True) as conn:
            apply_migrations(conn, read_migration_set(migrations_dir()))
            there = snapshot_schema(conn)
    assert here.server_version.split(".")[0] != there.server_version.split(".")[0]
    assert diff_snapshots(here, there, "here", "there").equal, diff_snapshots(
        here, there, "here", "there"
    ).render()


def test_view_column_qualifiers_are_normalised_across_16() -> None:
    pg14 = normalise_definition(
        "SELECT w.worker_id,\n    w.hostname\n   FROM xferity.workers w\n"
        "  WHERE (w.last_seen_at > now())"
    )
    pg16 = normalise_definition(
        "SELECT worker_id,\n    hostname\n   FROM xferity.workers w\n  WHERE (last_seen_at > now())"
    )
    assert pg14 != pg16
    assert strip_column_qualifiers(pg14) == strip_column_qualifiers(pg16)
    # The schema qualifier stays.
    assert "FROM xferity.workers w" in strip_column_qualifiers(pg14)


def test_diff_command_two_equal_databases_then_a_drift(
    migrated_db: str, pg_server: ScratchServer, migrated_template: str
) -> None:
    other = pg_server.create_database(f"{migrated_template}_d", template=migrated_template)
    try:
        same = run_cli("diff", migrated_db, other)
        assert same.exit_code == 0, same.stderr
        assert same.stdout.startswith("no differences between a and b")
        run_sql(other, "CREATE INDEX jobs_queue_by_hand ON xferity.jobs (queue)")
        changed = run_cli("diff", migrated_db, other, "--json")
        assert changed.exit_code == 4
        assert '"text": "index xferity.jobs_queue_by_hand: only in b"' in changed.stdout
    finally:
        pg_server.drop_database(f"{migrated_template}_d")


def test_verify_reports_hand_made_drift(migrated_db: str, pg_server: ScratchServer) -> None:
    scratch = pg_server.superuser_dsn()
    clean = run_cli("verify", "--dsn", migrated_db, "--scratch-dsn", scratch)
    assert clean.exit_code == 0, clean.stdout + clean.stderr
    assert "no differences between expected and live" in clean.stdout

    run_sql(migrated_db, "ALTER TABLE xferity.jobs ADD COLUMN added_by_hand integer")
    drifted = run_cli("verify", "--dsn", migrated_db, "--scratch-dsn", scratch)
    assert drifted.exit_code == 4
    assert "column xferity.jobs.added_by_hand: only in live" in drifted.stdout


def test_verify_of_an_empty_database_is_one_line(fresh_db: str, pg_server: ScratchServer) -> None:
    result = run_cli("verify", "--dsn", fresh_db, "--scratch-dsn", pg_server.superuser_dsn())
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "no applied migrations" in result.stderr


def test_verify_a_role_model_database_compares_roles_by_what_they_are(
    pg_server: ScratchServer, unique_name: Callable[[str], str], make_role: Callable[..., str]
) -> None:
    """Deployed as the DBA does (grant script, migrator acting as owner, script again), with
    role names of its own: --role-model finds nothing, then a hand-made grant."""
    migrator = RoleModelMigrator()
    names = migrator.names
    role_names = ",".join([names.owner, names.migrator, names.app, names.worker, names.readonly])
    dbname = unique_name("xferity_rolemodel")
    with migrator.on_server(pg_server, lambda _line: None):
        dsn = pg_server.create_database(dbname)
        try:
            migrator.apply(pg_server, dbname, read_migration_set(migrations_dir()))
            args = ["verify", "--dsn", dsn, "--scratch-dsn", pg_server.superuser_dsn()]
            clean = run_cli(*args, "--role-model", "--role-names", role_names)
            assert clean.exit_code == 0, clean.stdout + clean.stderr
            # Without --role-model, the role model's grants are differences.
            plain = run_cli(*args)
            assert plain.exit_code == 4
            assert f"{names.app}: SELECT" in plain.stdout

            intruder = make_role("xferity_intruder")
            run_sql(dsn, f'GRANT SELECT ON xferity.vault_secrets TO "{intruder}"')
            drifted = run_cli(*args, "--role-model", "--role-names", role_names, "--json")
            assert drifted.exit_code == 4
            texts = [d["text"] for d in json.loads(drifted.stdout)["differences"]]
            expected = f"table xferity.vault_secrets: grants: only in live: {intruder}: SELECT"
            assert texts == [expected]
            run_sql(dsn, f'REVOKE SELECT ON xferity.vault_secrets FROM "{intruder}"')
        finally:
            pg_server.drop_database(dbname)


def test_verify_refuses_a_malformed_role_names_list(migrated_db: str) -> None:
    result = run_cli("verify", "--dsn", migrated_db, "--role-model", "--role-names", "a,b")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --role-names takes 5 comma-separated names")
