"""`check-upgrade` on small synthetic migration sets, each broken in one deliberate way, and on
the repository's own sql/. Scratch databases are created on the session's server."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.support.cli import CliResult, run_cli, write_migrations
from xferity_schema.core.errors import MigrationSetError, RollbackRefused
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations, rollback_migration
from xferity_schema.servers.scratch import ScratchServer

# Creates the schema only when missing, as sql/migrations/0001 does: the grant script creates it
# for the owner role, and the migrator has no CREATE privilege on the database.
BASE = """-- 0001 base: one table of items.
DO $$
BEGIN
    IF to_regnamespace('xferity') IS NULL THEN
        CREATE SCHEMA xferity;
    END IF;
END
$$;
CREATE TABLE xferity.items (id bigint PRIMARY KEY, name text NOT NULL);
COMMENT ON TABLE xferity.items IS 'Items.';
"""
BASE_DEMO = "INSERT INTO xferity.items (id, name) VALUES (1, 'alpha'), (2, 'beta');\n"
ADD_NOTE = """-- 0002 add note: a nullable column.
ALTER TABLE xferity.items ADD COLUMN note text;
"""
ADD_NOTE_ROLLBACK = "ALTER TABLE xferity.items DROP COLUMN note;\n"
ADD_INDEX = """-- 0003 index on name.
CREATE INDEX items_name_idx ON xferity.items (name);
"""
ADD_INDEX_ROLLBACK = "DROP INDEX xferity.items_name_idx;\n"


def make_set(root: Path, migrations: dict[str, str], demo: dict[str, str]) -> Path:
    """A synthetic sql/ with migrations/ and demo/; returns its migrations directory."""
    write_migrations(root / "sql" / "demo", demo)
    return write_migrations(root / "sql" / "migrations", migrations)


def good_set(root: Path) -> Path:
    return make_set(
        root,
        {
            "0001_base.sql": BASE,
            "0002_add_note.sql": ADD_NOTE,
            "0002_add_note.rollback.sql": ADD_NOTE_ROLLBACK,
            "0003_add_index.sql": ADD_INDEX,
            "0003_add_index.rollback.sql": ADD_INDEX_ROLLBACK,
        },
        {"0001_base.sql": BASE_DEMO},
    )


@pytest.fixture
def check(pg_server: ScratchServer) -> Callable[..., CliResult]:
    """Run check-upgrade in-process, its scratch databases on the session's server."""

    def run(migrations: Path, *args: str) -> CliResult:
        return run_cli(
            "check-upgrade",
            "--migrations-dir",
            str(migrations),
            *args,
            env={"XFERITY_TEST_DSN": pg_server.superuser_dsn()},
        )

    return run


def checks_by_name(result: CliResult) -> dict[str, dict[str, Any]]:
    report = json.loads(result.stdout)
    (server,) = report["servers"]
    return {c["name"]: c for c in server["checks"]}


def test_a_sound_set_passes_every_check_with_json(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    result = check(good_set(tmp_path), "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["passed"] is True
    checks = checks_by_name(result)
    assert list(checks) == [
        "fresh install (3 migrations)",
        "from empty database",
        "from after 0001_base",
        "from after 0002_add_note",
        "rollback 0003_add_index",
        "rollback 0002_add_note",
        "rollback 0001_base",
        "re-apply after the rollbacks",
    ]
    assert checks["rollback 0001_base"]["skipped"] is True
    assert all(c["passed"] and c["seconds"] >= 0 for c in checks.values())
    # Progress lines go to stderr while stdout carries JSON: one per starting point.
    assert "[3/4] from after 0001_base: pass" in result.stderr
    assert "migrating as the least-privilege migrator role" in result.stderr


def test_a_sound_set_as_superuser_in_text(tmp_path: Path, check: Callable[..., CliResult]) -> None:
    result = check(good_set(tmp_path), "--as-superuser", "--no-rollbacks")
    assert result.exit_code == 0, result.stdout
    assert "migrating as the superuser" in result.stdout
    assert "from after 0002_add_note" in result.stdout
    assert result.stdout.rstrip().endswith("upgrade check passed")


def test_a_migration_needing_more_than_the_migrator_may_do_is_caught(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    # CREATE SCHEMA IF NOT EXISTS checks CREATE on the database before it looks for the schema.
    needs_create_on_database = BASE.split("DO $$")[0] + "CREATE SCHEMA IF NOT EXISTS xferity;\n"
    migrations = make_set(tmp_path, {"0001_base.sql": needs_create_on_database}, {})
    as_superuser = check(migrations, "--as-superuser", "--no-rollbacks")
    assert as_superuser.exit_code == 0, as_superuser.stdout
    least_privilege = check(migrations, "--no-rollbacks")
    assert least_privilege.exit_code == 1
    assert "fresh install: 0001_base.sql:2: statement 1 failed: permission denied for database" in (
        least_privilege.stdout
    )


def test_broken_a_later_migration_assumes_a_column_nobody_created(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    # The UPDATE only runs when rows exist, so a fresh install passes and only an upgraded
    # database with data finds that no migration created `nickname`.
    backfill = """-- 0002 backfill nicknames of existing items.
DO $$
BEGIN
    IF EXISTS (SELECT FROM xferity.items) THEN
        UPDATE xferity.items SET nickname = name;
    END IF;
END
$$;
"""
    migrations = make_set(
        tmp_path,
        {"0001_base.sql": BASE, "0002_backfill.sql": backfill},
        {"0001_base.sql": BASE_DEMO},
    )
    result = check(migrations, "--json")
    assert result.exit_code == 1
    checks = checks_by_name(result)
    assert checks["fresh install (2 migrations)"]["passed"] is True
    failed = checks["from after 0001_base"]
    assert failed["passed"] is False
    (problem,) = failed["problems"]
    assert problem.startswith("upgrading with the current migrations: 0002_backfill.sql:")
    assert 'column "nickname" of relation "items" does not exist' in problem
    assert "[3/3] from after 0001_base: FAIL" in result.stderr


def test_broken_a_migration_that_fails_even_on_a_fresh_install(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    broken = "-- 0002 broken.\nUPDATE xferity.items SET nickname = name;\n"
    migrations = make_set(
        tmp_path, {"0001_base.sql": BASE, "0002_broken.sql": broken}, {"0001_base.sql": BASE_DEMO}
    )
    result = check(migrations)
    assert result.exit_code == 1
    assert "fresh install (2 migrations)  FAIL" in result.stdout
    assert "fresh install: 0002_broken.sql:2: statement 1 failed: column" in result.stdout
    assert "not run: the fresh install failed" in result.stdout
    assert "upgrade check FAILED" in result.stdout


def test_broken_upgraded_database_differs_from_a_fresh_install(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    # Data-dependent DDL: the index only appears when the table is empty.
    only_when_empty = """-- 0002 index items by name (only where the table is still empty).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM xferity.items) THEN
        CREATE INDEX items_name_idx ON xferity.items (name);
    END IF;
END
$$;
"""
    migrations = make_set(
        tmp_path,
        {"0001_base.sql": BASE, "0002_name_index.sql": only_when_empty},
        {"0001_base.sql": BASE_DEMO},
    )
    result = check(migrations, "--no-rollbacks")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    failed_at = next(i for i, line in enumerate(lines) if "from after 0001_base" in line)
    assert "FAIL" in lines[failed_at]
    details = "\n".join(lines[failed_at + 1 : failed_at + 3])
    assert "schema differs (fresh vs upgraded):" in details
    assert "index xferity.items_name_idx: only in fresh" in details
    assert any("from empty database" in line and "pass" in line for line in lines)


def test_broken_rollback_that_does_not_undo_its_migration(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    tags = """-- 0002 tags and a counter.
CREATE TABLE xferity.tags (id bigint PRIMARY KEY, label text NOT NULL);
CREATE FUNCTION xferity.tag_count() RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT count(*) FROM xferity.tags);
END
$$;
"""
    forgets_the_function = "DROP TABLE xferity.tags;\n"
    migrations = make_set(
        tmp_path,
        {
            "0001_base.sql": BASE,
            "0002_tags.sql": tags,
            "0002_tags.rollback.sql": forgets_the_function,
        },
        {"0001_base.sql": BASE_DEMO},
    )
    result = check(migrations, "--json")
    assert result.exit_code == 1
    checks = checks_by_name(result)
    assert checks["from after 0001_base"]["passed"] is True
    rollback = checks["rollback 0002_tags"]
    assert rollback["passed"] is False
    assert [d["text"] for d in rollback["differences"]] == [
        "function xferity.tag_count(): only in rolled back"
    ]
    # The chain stops there: the older rollback is not attempted on a wrong schema.
    assert checks["rollback 0001_base"]["skipped"] is True
    # Re-applying on top of the leftover function fails, and says why.
    reapply = checks["re-apply after the rollbacks"]
    assert reapply["passed"] is False
    assert "already exists" in reapply["problems"][0]


def test_demo_data_that_a_migration_destroys_is_reported(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    rewrite = """-- 0002 normalise names (deliberately lossy for this test).
UPDATE xferity.items SET name = upper(name);
DELETE FROM xferity.items WHERE id = 2;
"""
    migrations = make_set(
        tmp_path,
        {"0001_base.sql": BASE, "0002_rewrite.sql": rewrite},
        {"0001_base.sql": BASE_DEMO},
    )
    result = check(migrations, "--json", "--no-rollbacks")
    assert result.exit_code == 1
    problems = checks_by_name(result)["from after 0001_base"]["problems"]
    assert problems == ["demo data: xferity.items had 2 rows, now 1"]

    migrations.joinpath("0002_rewrite.sql").write_text(
        "-- 0002 normalise names.\nUPDATE xferity.items SET name = upper(name);\n"
    )
    result = check(migrations, "--json", "--no-rollbacks")
    problems = checks_by_name(result)["from after 0001_base"]["problems"]
    assert problems == [
        "demo data: xferity.items (id=1): name was alpha, now ALPHA",
        "demo data: xferity.items (id=2): name was beta, now BETA",
    ]


def test_from_dir_release_and_an_edited_released_migration(
    tmp_path: Path, check: Callable[..., CliResult]
) -> None:
    current = good_set(tmp_path / "current")
    release = make_set(
        tmp_path / "v1",
        {"0001_base.sql": BASE, "0002_add_note.sql": ADD_NOTE},
        {"0001_base.sql": BASE_DEMO},
    )
    ok = check(current, "--no-prefixes", "--no-rollbacks", "--from-dir", str(release.parent))
    assert ok.exit_code == 0, ok.stdout
    assert f"from {release.parent} (0002_add_note)" in ok.stdout

    edited = make_set(
        tmp_path / "v0",
        {"0001_base.sql": BASE.replace("Items.", "Items, edited after release.")},
        {"0001_base.sql": BASE_DEMO},
    )
    bad = check(current, "--no-prefixes", "--no-rollbacks", "--from-dir", str(edited))
    assert bad.exit_code == 1
    assert "0001_base.sql changed after it was applied" in bad.stdout
    assert "released migrations must not be edited" in bad.stdout


def test_from_git_ref(tmp_path: Path, check: Callable[..., CliResult]) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    migrations = make_set(
        repo,
        {"0001_base.sql": BASE, "0002_add_note.sql": ADD_NOTE},
        {"0001_base.sql": BASE_DEMO},
    )

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "sql")
    git("commit", "-q", "-m", "v1")
    git("tag", "v1")
    (migrations / "0003_add_index.sql").write_text(ADD_INDEX)  # the unreleased next migration
    result = check(migrations, "--no-prefixes", "--no-rollbacks", "--from", "v1")
    assert result.exit_code == 0, result.stdout
    assert "from git ref v1 (0002_add_note)" in result.stdout

    missing = check(migrations, "--no-prefixes", "--from", "v9")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: --from v9: git archive failed")


def test_rollback_migration_refuses_out_of_order_and_logs(fresh_db: str, tmp_path: Path) -> None:
    migrations = read_migration_set(good_set(tmp_path))
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        apply_migrations(conn, migrations)
        with pytest.raises(RollbackRefused, match="0003_add_index was applied after it"):
            rollback_migration(conn, migrations[1])
        with pytest.raises(MigrationSetError, match="has no rollback file"):
            rollback_migration(conn, migrations[0])
        rollback_migration(conn, migrations[2])
        assert conn.execute("SELECT to_regclass('xferity.items_name_idx')").fetchone() == (None,)
        applied = conn.execute("SELECT migration_id FROM xferity.schema_migrations").fetchall()
        assert [r[0] for r in applied] == ["0001_base", "0002_add_note"]
        log = conn.execute(
            "SELECT migration_id, operation FROM xferity.schema_migration_log ORDER BY log_id"
        ).fetchall()
        assert log[-1] == ("0003_add_index", "rollback")
        with pytest.raises(RollbackRefused, match="it is not applied"):
            rollback_migration(conn, migrations[2])


def test_the_repository_upgrades_cleanly(check: Callable[..., CliResult]) -> None:
    from xferity_schema.core.paths import migrations_dir

    result = check(migrations_dir(), "--json")
    report = json.loads(result.stdout) if result.stdout else {}
    failures = [
        (c["name"], c["problems"], [d["text"] for d in c["differences"]])
        for s in report.get("servers", [])
        for c in s["checks"]
        if not c["passed"]
    ]
    assert result.exit_code == 0, failures or result.stderr
    checks = checks_by_name(result)
    count = len(read_migration_set(migrations_dir()))
    assert sum(1 for name in checks if name.startswith("from ")) == count
