"""`lint --pg-bin DIR`: the migrations run on a real PostgreSQL 13 (rolled back), and what the
server refuses is a finding at the place the server points to."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support import lint_corpus
from xferity_schema.cli import main
from xferity_schema.lint.engine import lint

PG13 = lint_corpus.pg_bin(13)
pytestmark = pytest.mark.skipif(
    PG13 is None, reason="PostgreSQL 13 not cached: python scripts/pg_matrix.py --fetch-only"
)


def _set(root: Path, judged: str) -> Path:
    migrations = root / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_jobs.sql").write_text(
        "-- Jobs\nCREATE SCHEMA xferity;\n"
        "CREATE TABLE xferity.jobs (id bigint PRIMARY KEY, code text, payload jsonb);\n",
        encoding="utf-8",
    )
    case = migrations / "0002_change.sql"
    case.write_text(judged, encoding="utf-8")
    return case


def test_what_13_refuses_is_reported_where_it_fails(tmp_path: Path) -> None:
    case = _set(
        tmp_path,
        "-- Unique codes\nCREATE UNIQUE INDEX jobs_code ON xferity.jobs (code)\n"
        "NULLS NOT DISTINCT;\n",
    )
    assert PG13 is not None
    result = lint([case], use_cache=False, pg_bin=PG13)
    executed = [f for f in result.findings if f.rule == "pg-execution"]
    assert len(executed) == 1
    assert executed[0].line == 3 and executed[0].is_error
    assert "PostgreSQL 13 refuses" in executed[0].message


def test_what_13_accepts_is_not_reported(tmp_path: Path) -> None:
    case = _set(tmp_path, "-- A note column\nALTER TABLE xferity.jobs ADD COLUMN note text;\n")
    assert PG13 is not None
    result = lint([case], use_cache=False, pg_bin=PG13)
    assert not [f for f in result.findings if f.rule == "pg-execution"]


def test_the_repository_sql_applies_on_13() -> None:
    done = CliRunner().invoke(main, ["lint", "--pg-bin", str(PG13)])
    assert "pg-execution" not in done.output
    assert done.exit_code == 0, done.output


def test_a_directory_without_postgres_is_one_error_line(tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["lint", "--pg-bin", str(tmp_path), str(tmp_path)])
    assert done.exit_code != 0
    assert "no initdb and postgres there" in done.output
