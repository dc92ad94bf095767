"""Named SQL files, loaded once: Python never builds SQL from string fragments."""

from functools import cache

from psycopg import sql

from xferity_schema.paths import sql_dir


@cache
def load_query(name: str) -> sql.SQL:
    """Return `sql/<name>.sql` as a composable query, e.g. load_query("runner/record_migration")."""
    text = (sql_dir() / f"{name}.sql").read_text(encoding="utf-8")
    # Trusted: these files ship with the package and are reviewed like code.
    return sql.SQL(text)


def statement(text: str) -> sql.SQL:
    """Wrap one statement read from a migration file, which is trusted reviewed SQL."""
    return sql.SQL(text)
