"""Demo data: `sql/demo/<migration id>.sql` holds rows valid right after that migration.

`seed --demo` loads the files of every applied migration, in order; the upgrade checks load
the files valid at their starting version.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import psycopg

from xferity_schema.core.db import Connection
from xferity_schema.core.errors import DemoDataFailed, describe_database_error
from xferity_schema.core.paths import demo_dir as default_demo_dir
from xferity_schema.core.queries import QueryFile, statement

QUERIES = QueryFile(__package__, "demo.sql")


def demo_files(migration_ids: Sequence[str], directory: Path | None = None) -> list[Path]:
    """The demo files for these migrations, in migration order."""
    folder = directory or default_demo_dir()
    return [folder / f"{mid}.sql" for mid in migration_ids if (folder / f"{mid}.sql").exists()]


def load_demo_data(
    conn: Connection,
    migration_ids: Sequence[str],
    *,
    reset_first: bool = False,
    directory: Path | None = None,
) -> list[Path]:
    """Load the demo files in one transaction: all of them, or none."""
    files = demo_files(migration_ids, directory)
    with conn.transaction():
        if reset_first:
            conn.execute(QUERIES["reset_all_data"])
        for path in files:
            try:
                conn.execute(statement(path.read_text(encoding="utf-8")))
            except psycopg.Error as exc:
                hint = "; use --reset to empty the tables first" if exc.sqlstate == "23505" else ""
                raise DemoDataFailed(
                    f"{path.name}: {describe_database_error(exc)}{hint}; nothing was loaded"
                ) from None
    return files
