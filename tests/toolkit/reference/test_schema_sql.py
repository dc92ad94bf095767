"""sql/schema.sql and the migrations agree (procrastinate's check): the committed file, run on an
empty database, builds the schema a fresh install of sql/migrations builds, object for object.
Privileges are the role model's and not in the file, so grants are left out of the comparison."""

from __future__ import annotations

from pathlib import Path

import psycopg

from xferity_schema.compare.diff import diff_snapshots
from xferity_schema.compare.snapshot import snapshot_schema
from xferity_schema.lint import sources

REPO_ROOT = Path(__file__).resolve().parents[3]
SCHEMA_SQL = REPO_ROOT / "sql" / "schema.sql"


def test_schema_sql_builds_what_the_migrations_build(migrated_db: str, fresh_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        migrated = snapshot_schema(conn)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(SCHEMA_SQL.read_text(encoding="utf-8"))  # type: ignore[arg-type]
        built = snapshot_schema(conn)
    diff = diff_snapshots(migrated, built, "migrations", "schema.sql")
    differences = [
        d.text
        for d in diff.differences
        if d.attribute != "grants" and d.kind != "default privileges"
    ]
    assert differences == []
    assert len(built.names("table")) == len(migrated.names("table")) > 20


def test_lint_of_the_sql_directory_skips_the_generated_file() -> None:
    """schema.sql is deparsed catalog output, kept current by `docs --check`; its marker line
    keeps `xferity-schema lint sql` off it, while the migrations are still collected."""
    collected = sources.collect([REPO_ROOT / "sql"])
    assert SCHEMA_SQL not in collected
    assert sources.is_generated(SCHEMA_SQL)
    assert any(p.parent.name == "migrations" for p in collected)
    assert not any(sources.is_generated(p) for p in collected)
