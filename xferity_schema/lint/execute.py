"""Layer 4 (opt-in, `lint --pg-bin DIR`): run the migrations on a real PostgreSQL 13.

The static rules know the features newer than 13 they were told about; the server knows them
all. Each migration set is applied, in order, to a throwaway cluster of the binaries in DIR
inside one transaction that is rolled back at the end (nothing is kept, nothing needs a
cleanup). The first migration the server refuses is reported where the server points, and the
set stops there: what follows depends on it. `-- transactional: false` migrations cannot run in
that transaction and are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import psycopg

from xferity_schema.core.errors import UsageError
from xferity_schema.core.queries import statement
from xferity_schema.lint.findings import Finding
from xferity_schema.lint.sources import SqlFile
from xferity_schema.lint.syntax import LineIndex
from xferity_schema.servers.scratch import throwaway_cluster

RULE = "pg-execution"


def check(sets: Sequence[Sequence[SqlFile]], asked: set[Path], bin_dir: Path) -> list[Finding]:
    """Findings for the asked files of each set that the server in `bin_dir` refuses."""
    if not (bin_dir / "initdb").is_file() or not (bin_dir / "postgres").is_file():
        raise UsageError(f"--pg-bin {bin_dir}: no initdb and postgres there (a PostgreSQL bin/)")
    found: list[Finding] = []
    with throwaway_cluster(bin_dir.resolve()) as server:
        for number, members in enumerate(sets):
            # One database per set; the whole cluster is deleted afterwards.
            dsn = server.create_database(f"xferity_lint_{number}")
            found += _run_set(dsn, members, asked)
    return found


def _run_set(dsn: str, members: Sequence[SqlFile], asked: set[Path]) -> list[Finding]:
    with psycopg.connect(dsn, autocommit=False) as conn:
        version = conn.info.server_version // 10000
        try:
            for file in members:
                if not file.transactional or not file.text.strip():
                    continue
                try:
                    with conn.transaction():  # a savepoint: the error is this file's alone
                        conn.execute(statement(file.text))
                except psycopg.Error as exc:
                    if file.path not in asked:
                        return []  # an earlier, released migration fails: not this change's
                    return [_finding(file, exc, version)]
        finally:
            conn.rollback()
    return []


def _finding(file: SqlFile, exc: psycopg.Error, version: int) -> Finding:
    position = getattr(exc.diag, "statement_position", None)
    offset = int(position) - 1 if position and str(position).isdigit() else 0
    line, col = LineIndex(file.text).position(offset)
    message = (str(exc).strip().splitlines() or ["error"])[0]
    return Finding(
        file.path,
        line,
        col,
        RULE,
        "error",
        f"PostgreSQL {version} refuses this migration: {message}",
        "rules",
    )
