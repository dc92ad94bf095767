"""`xferity-schema rollback --to ID | --steps N [--dry-run] [--json]` against a real server."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from tests.support.cli import run_cli, write_migrations
from tests.support.one_line import assert_one_error_line
from xferity_schema.migrate.runner import MIGRATION_LOCK_KEY

SET = {
    "0001_base.sql": "CREATE TABLE public.rb_base (id int);\n",
    "0002_note.sql": "ALTER TABLE public.rb_base ADD COLUMN note text;\n",
    "0002_note.rollback.sql": "ALTER TABLE public.rb_base DROP COLUMN note;\n",
    "0003_idx.sql": "CREATE INDEX rb_base_note_idx ON public.rb_base (note);\n",
    "0003_idx.rollback.sql": "DROP INDEX public.rb_base_note_idx;\n",
    "0004_tag.sql": "ALTER TABLE public.rb_base ADD COLUMN tag text;\n",
    "0004_tag.rollback.sql": "ALTER TABLE public.rb_base DROP COLUMN tag;\n",
}


def cli(dsn: str, directory: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(*args, "--dsn", dsn, "--migrations-dir", str(directory))
    return result.exit_code, result.stdout, result.stderr


def applied(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT migration_id FROM xferity.schema_migrations ORDER BY 1")
        return [str(r[0]) for r in rows]


def log(dsn: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT migration_id, operation FROM xferity.schema_migration_log ORDER BY log_id"
        ).fetchall()


def columns(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'public.rb_base'::regclass "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        )
        return [str(r[0]) for r in rows]


def applied_set(dsn: str, tmp_path: Path) -> Path:
    directory = write_migrations(tmp_path / "m", SET)
    code, _, err = cli(dsn, directory, "apply")
    assert code == 0, err
    return directory


def test_steps_runs_newest_first_in_own_transactions(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    code, out, err = cli(fresh_db, directory, "rollback", "--steps", "2")
    assert code == 0, err
    assert "rolled back 2 migration(s) (0004_tag, 0003_idx)" in out
    assert "the newest applied is now 0002_note" in out
    assert applied(fresh_db) == ["0001_base", "0002_note"]
    assert columns(fresh_db) == ["id", "note"]
    assert log(fresh_db)[-2:] == [("0004_tag", "rollback"), ("0003_idx", "rollback")]
    with psycopg.connect(fresh_db) as conn:
        held = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
        assert held.fetchone() == (0,)
    # and the files apply again afterwards
    assert cli(fresh_db, directory, "apply")[0] == 0
    assert applied(fresh_db) == ["0001_base", "0002_note", "0003_idx", "0004_tag"]


def test_to_keeps_the_target_and_json_says_what_it_did(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    code, out, err = cli(fresh_db, directory, "rollback", "--to", "0002_note", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert [r["id"] for r in report["rolled_back"]] == ["0004_tag", "0003_idx"]
    assert report["remaining"] == "0002_note"
    assert applied(fresh_db) == ["0001_base", "0002_note"]


def test_dry_run_changes_nothing(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    before = log(fresh_db)
    code, out, _ = cli(fresh_db, directory, "rollback", "--steps", "3", "--dry-run")
    assert code == 0
    assert "0004_tag  with 0004_tag.rollback.sql" in out and "nothing was changed" in out
    code, out, _ = cli(fresh_db, directory, "rollback", "--to", "0001_base", "--dry-run", "--json")
    assert json.loads(out) == {
        "dry_run": True,
        "would_roll_back": ["0004_tag", "0003_idx", "0002_note"],
        "remaining": "0001_base",
    }
    assert log(fresh_db) == before and len(applied(fresh_db)) == 4


def test_missing_rollback_file_refuses_and_changes_nothing(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    result = run_cli(
        "rollback", "--steps", "4", "--dsn", fresh_db, "--migrations-dir", str(directory)
    )
    assert_one_error_line(result, "cannot roll back 0001_base", "0001_base.rollback.sql is missing")
    assert len(applied(fresh_db)) == 4 and columns(fresh_db) == ["id", "note", "tag"]


def test_drifted_files_refuse_and_change_nothing(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    (directory / "0003_idx.rollback.sql").write_text("DROP TABLE public.rb_base;\n")
    result = run_cli(
        "rollback", "--steps", "2", "--dsn", fresh_db, "--migrations-dir", str(directory)
    )
    assert_one_error_line(result, "0003_idx.rollback.sql changed after the migration was applied")
    assert result.exit_code == 4
    (directory / "0003_idx.rollback.sql").write_text(SET["0003_idx.rollback.sql"])
    (directory / "0003_idx.sql").write_text("CREATE INDEX other ON public.rb_base (note);\n")
    result = run_cli(
        "rollback", "--to", "0002_note", "--dsn", fresh_db, "--migrations-dir", str(directory)
    )
    assert_one_error_line(result, "0003_idx.sql changed after it was applied")
    assert len(applied(fresh_db)) == 4 and columns(fresh_db) == ["id", "note", "tag"]


def test_failing_rollback_says_what_was_already_done(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    (directory / "0003_idx.rollback.sql").write_text("DROP INDEX public.no_such_idx;\n")
    with psycopg.connect(fresh_db, autocommit=True) as conn:  # record the edited file's hash
        conn.execute("UPDATE xferity.schema_migrations SET rollback_sha256 = NULL")
    result = run_cli(
        "rollback", "--steps", "3", "--dsn", fresh_db, "--migrations-dir", str(directory)
    )
    assert_one_error_line(
        result,
        "0003_idx.rollback.sql: statement 1 failed",
        "nothing was rolled back, 0003_idx stays applied",
        "already rolled back: 0004_tag",
    )
    assert applied(fresh_db) == ["0001_base", "0002_note", "0003_idx"]


def test_bad_ranges_are_one_line(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    for args, expected in [
        ([], "give exactly one of --to ID or --steps N"),
        (["--to", "0002_note", "--steps", "1"], "give exactly one of"),
        (["--to", "0009_never"], "cannot roll back to 0009_never: it is not applied"),
        (["--steps", "9"], "only 4 are applied"),
    ]:
        result = run_cli("rollback", *args, "--dsn", fresh_db, "--migrations-dir", str(directory))
        assert_one_error_line(result, expected)
    assert len(applied(fresh_db)) == 4


def test_rollback_takes_the_migration_lock(fresh_db: str, tmp_path: Path) -> None:
    directory = applied_set(fresh_db, tmp_path)
    with psycopg.connect(fresh_db, autocommit=True, application_name="other-apply") as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        result = run_cli(
            "rollback",
            "--steps",
            "1",
            "--lock-timeout",
            "0.3",
            "--dsn",
            fresh_db,
            "--migrations-dir",
            str(directory),
        )
    assert result.exit_code == 5
    assert_one_error_line(result, "held the migration lock", "other-apply from 127.0.0.1:")
    assert len(applied(fresh_db)) == 4
