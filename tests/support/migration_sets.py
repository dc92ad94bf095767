"""Small synthetic migration sets used by several CLI tests (written out by write_migrations)."""

from __future__ import annotations

# Three migrations: a schema, a non-idempotent counter that takes a moment (so concurrent
# applies overlap), and a table with a row.
BASE_SET = {
    "0001_bootstrap.sql": "-- schema\nCREATE SCHEMA IF NOT EXISTS xferity;\n",
    "0002_counter.sql": (
        "-- not idempotent: a second run would fail on CREATE TABLE\n"
        "CREATE TABLE xferity.apply_counter (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n"
        "INSERT INTO xferity.apply_counter DEFAULT VALUES;\n"
        "SELECT pg_sleep(0.2);\n"
    ),
    "0003_widgets.sql": (
        "CREATE TABLE xferity.widgets (id bigint PRIMARY KEY, name text NOT NULL);\n"
        "INSERT INTO xferity.widgets VALUES (1, 'first');\n"
    ),
}
