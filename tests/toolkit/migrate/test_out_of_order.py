"""Order: a pending migration numbered below the latest applied one is refused by default;
--allow-out-of-order applies it, records that it did, and status shows it; an old tracking table
gains the new columns on the next apply."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from tests.support.cli import run_cli, write_migrations
from tests.support.one_line import assert_one_error_line

FIRST_AND_THIRD = {
    "0001_base.sql": "CREATE TABLE public.ooo_base (id int);\n",
    "0003_third.sql": "CREATE TABLE public.ooo_third (id int);\n",
}
SECOND = {"0002_second.sql": "CREATE TABLE public.ooo_second (id int);\n"}


def cli(dsn: str, directory: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(*args, "--dsn", dsn, "--migrations-dir", str(directory))
    return result.exit_code, result.stdout, result.stderr


def applied_rows(dsn: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT migration_id, out_of_order FROM xferity.schema_migrations ORDER BY applied_at"
        ).fetchall()


def test_late_migration_is_refused_then_allowed_and_shown(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", FIRST_AND_THIRD)
    assert cli(fresh_db, directory, "apply")[0] == 0
    write_migrations(directory, SECOND)

    refused = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(directory))
    assert_one_error_line(refused, "0002_second", "0003_third", "--allow-out-of-order")
    dry = run_cli("apply", "--dry-run", "--dsn", fresh_db, "--migrations-dir", str(directory))
    assert_one_error_line(dry, "0002_second is numbered below 0003_third")
    assert applied_rows(fresh_db) == [("0001_base", False), ("0003_third", False)]

    code, out, _ = cli(fresh_db, directory, "status")
    assert code == 3 and "pending below the latest applied 0003_third: 0002_second" in out

    code, out, err = cli(fresh_db, directory, "apply", "--allow-out-of-order")
    assert code == 0, err
    assert "applied 0002_second" in out and "out of order" in out
    assert applied_rows(fresh_db)[-1] == ("0002_second", True)

    code, out, _ = cli(fresh_db, directory, "status")
    assert code == 0
    assert "applied out of order (--allow-out-of-order): 0002_second" in out
    code, out, _ = cli(fresh_db, directory, "status", "--json")
    report = json.loads(out)
    assert report["counts"]["out_of_order"] == 1
    flags = {row["id"]: row["out_of_order"] for row in report["migrations"]}
    assert flags == {"0001_base": False, "0002_second": True, "0003_third": False}


def test_json_apply_marks_the_late_migration(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", FIRST_AND_THIRD)
    cli(fresh_db, directory, "apply")
    write_migrations(directory, SECOND)
    code, out, err = cli(fresh_db, directory, "apply", "--allow-out-of-order", "--json")
    assert code == 0, err
    assert json.loads(out)["applied"] == [
        {"id": "0002_second", "ms": json.loads(out)["applied"][0]["ms"], "out_of_order": True}
    ]


def test_old_tracking_table_gains_the_new_columns(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", FIRST_AND_THIRD)
    assert cli(fresh_db, directory, "apply")[0] == 0
    with psycopg.connect(fresh_db, autocommit=True) as conn:  # as the previous release left it
        conn.execute("ALTER TABLE xferity.schema_migrations DROP COLUMN out_of_order")
        conn.execute("ALTER TABLE xferity.schema_migrations DROP COLUMN rollback_sha256")
    code, out, _ = cli(fresh_db, directory, "status", "--json")  # status reads the old shape
    assert code == 0 and json.loads(out)["counts"]["applied"] == 2
    write_migrations(directory, {"0004_fourth.sql": "SELECT 1;\n"})
    assert cli(fresh_db, directory, "apply")[0] == 0
    assert applied_rows(fresh_db)[-1] == ("0004_fourth", False)
    assert applied_rows(fresh_db)[0] == ("0001_base", False)  # the default for old rows
    assert cli(fresh_db, directory, "apply")[0] == 0  # and the upgrade is idempotent
