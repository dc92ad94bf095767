"""`status`: the table, --json, and exit codes 0 / 3 (pending) / 4 (drift or ahead)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli, write_migrations
from tests.support.migration_sets import BASE_SET


def test_status_exit_codes_and_json(fresh_db: str, tmp_path: Path) -> None:
    migrations = write_migrations(tmp_path / "m", BASE_SET)
    args = ("--dsn", fresh_db, "--migrations-dir", str(migrations))

    empty = run_cli("status", *args)
    assert empty.exit_code == 3
    assert "3 pending migration(s)" in empty.stdout

    assert run_cli("apply", *args).exit_code == 0
    current = run_cli("status", *args, "--json")
    assert current.exit_code == 0
    document = json.loads(current.stdout)
    assert document["up_to_date"] is True
    assert [m["id"] for m in document["migrations"]] == [
        "0001_bootstrap",
        "0002_counter",
        "0003_widgets",
    ]
    first = document["migrations"][0]
    assert first["state"] == "applied"
    assert len(first["sha256"]) == 64
    assert first["applied_at"] is not None

    write_migrations(migrations, {"0004_new.sql": "CREATE TABLE xferity.n (id int PRIMARY KEY);\n"})
    pending = run_cli("status", *args, "--json")
    assert pending.exit_code == 3
    rows = {m["id"]: m for m in json.loads(pending.stdout)["migrations"]}
    assert rows["0004_new"]["state"] == "pending"
    assert rows["0004_new"]["applied_at"] is None

    (migrations / "0002_counter.sql").write_text("-- edited\n" + BASE_SET["0002_counter.sql"])
    drifted = run_cli("status", *args)
    assert drifted.exit_code == 4
    assert "drifted" in drifted.stdout


def test_status_reports_unknown_migrations_as_ahead(fresh_db: str, tmp_path: Path) -> None:
    newer = write_migrations(tmp_path / "newer", BASE_SET)
    assert run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(newer)).exit_code == 0
    older = write_migrations(
        tmp_path / "older", {k: v for k, v in BASE_SET.items() if not k.startswith("0003")}
    )
    result = run_cli("status", "--dsn", fresh_db, "--migrations-dir", str(older), "--json")
    assert result.exit_code == 4
    rows = {m["id"]: m for m in json.loads(result.stdout)["migrations"]}
    assert rows["0003_widgets"]["state"] == "unknown"
