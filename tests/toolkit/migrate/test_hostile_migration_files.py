"""Hostile migration sets: every one is a single `error:` line and a non-zero exit (or, for a gap
in the numbering, a warning), and nothing is applied."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from tests.support.cli import run_cli, write_migrations
from tests.support.one_line import assert_one_error_line

GOOD = {"0001_base.sql": "CREATE TABLE public.hostile_base (id int);\n"}


def nothing_applied(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT to_regclass('public.hostile_base') IS NULL").fetchone()
        return bool(row and row[0])


def apply_set(dsn: str, directory: Path) -> tuple[str, int]:
    result = run_cli("apply", "--dsn", dsn, "--migrations-dir", str(directory))
    return result.stderr, result.exit_code


def check_refused(dsn: str, directory: Path, *expected: str) -> None:
    for command in ("apply", "status"):
        result = run_cli(command, "--dsn", dsn, "--migrations-dir", str(directory))
        assert_one_error_line(result, *expected)
    assert nothing_applied(dsn)


def test_non_utf8_migration(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", GOOD)
    (directory / "0002_latin1.sql").write_bytes(b"-- caf\xe9\nSELECT 1;\n")
    check_refused(fresh_db, directory, "0002_latin1.sql: not UTF-8 (byte 0xe9 on line 1)")


def test_non_utf8_rollback_file(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", GOOD)
    (directory / "0001_base.rollback.sql").write_bytes(b"\n\nDROP TABLE \xff;\n")
    check_refused(fresh_db, directory, "0001_base.rollback.sql: not UTF-8 (byte 0xff on line 3)")


def test_transactional_maybe(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(
        tmp_path / "m", {**GOOD, "0002_maybe.sql": "-- transactional: maybe\nSELECT 1;\n"}
    )
    check_refused(fresh_db, directory, "0002_maybe.sql", "must be true or false, not 'maybe'")


def test_depends_cycle(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(
        tmp_path / "m",
        {
            **GOOD,
            "0002_a.sql": "-- depends: 0003_b\nSELECT 1;\n",
            "0003_b.sql": "-- depends: 0002_a\nSELECT 1;\n",
        },
    )
    check_refused(fresh_db, directory, "'-- depends:' cycle among 0002_a, 0003_b")


def test_depends_on_a_missing_migration(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(
        tmp_path / "m", {**GOOD, "0002_a.sql": "-- depends: 0009_gone\nSELECT 1;\n"}
    )
    check_refused(fresh_db, directory, "'-- depends: 0009_gone' names no migration")


def test_directory_named_like_a_migration(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", GOOD)
    (directory / "0002_dir.sql").mkdir()
    check_refused(fresh_db, directory, "0002_dir.sql: not a regular file")


def test_dangling_symlink(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", GOOD)
    (directory / "0002_gone.sql").symlink_to(tmp_path / "nowhere.sql")
    check_refused(fresh_db, directory, "0002_gone.sql: not a regular file")


def test_fifo_named_like_a_migration_is_not_read(fresh_db: str, tmp_path: Path) -> None:
    # Reading a FIFO would block forever; it is refused before it is opened.
    directory = write_migrations(tmp_path / "m", GOOD)
    os.mkfifo(directory / "0002_pipe.sql")
    check_refused(fresh_db, directory, "0002_pipe.sql: not a regular file")


def test_file_that_cannot_be_read(fresh_db: str, tmp_path: Path) -> None:
    # Root reads a chmod-000 file, so this uses a regular file the kernel refuses to read to
    # anyone: /proc/self/clear_refs is write-only (read() fails with EINVAL).
    directory = write_migrations(tmp_path / "m", GOOD)
    (directory / "0002_unreadable.sql").symlink_to("/proc/self/clear_refs")
    check_refused(fresh_db, directory, "cannot read", "0002_unreadable.sql")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod-000 file; see the /proc case")
def test_chmod_000_file(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", {**GOOD, "0002_secret.sql": "SELECT 1;\n"})
    (directory / "0002_secret.sql").chmod(0)
    check_refused(fresh_db, directory, "cannot read", "Permission denied")


def test_utf8_bom_is_refused_by_name(fresh_db: str, tmp_path: Path) -> None:
    # Refused rather than stripped: psql would send the BOM to the server, where it is an
    # invisible syntax error, and the file must run the same under psql and under apply.
    directory = write_migrations(tmp_path / "m", GOOD)
    (directory / "0002_bom.sql").write_bytes(b"\xef\xbb\xbfSELECT 1;\n")
    check_refused(fresh_db, directory, "0002_bom.sql: starts with a UTF-8 byte-order mark")


def test_empty_migrations_directory_on_a_fresh_database(fresh_db: str, tmp_path: Path) -> None:
    directory = tmp_path / "empty"
    directory.mkdir()
    check_refused(fresh_db, directory, "no migration files in")


def test_orphan_rollback_file(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(
        tmp_path / "m", {**GOOD, "0002_renamed.rollback.sql": "DROP TABLE x;\n"}
    )
    check_refused(fresh_db, directory, "0002_renamed.rollback.sql: rollback file without")


def test_gap_in_numbering_is_a_warning(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", {**GOOD, "0003_later.sql": "SELECT 1;\n"})
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(directory))
    assert result.exit_code == 0, result.stderr
    assert "warning: migration numbers skip from 0001 to 0003" in result.stderr
    assert "warning" not in result.stdout
    status = run_cli("status", "--json", "--dsn", fresh_db, "--migrations-dir", str(directory))
    assert '"after": "0001"' in status.stdout and "warning: migration numbers skip" in status.stderr


def test_gap_warning_never_joins_an_error_line(fresh_db: str, tmp_path: Path) -> None:
    directory = write_migrations(
        tmp_path / "m", {**GOOD, "0003_broken.sql": "SELECT * FROM no_such_table;\n"}
    )
    result = run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(directory))
    assert_one_error_line(result, "0003_broken.sql:1")
