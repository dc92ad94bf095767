"""Did the demo data survive an upgrade? Row counts of every table, and the first rows by
primary key, compared column by column where the column still exists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from psycopg import sql
from psycopg.rows import dict_row

from xferity_schema.core.contract import SCHEMA, TRACKING_TABLES
from xferity_schema.core.db import Connection
from xferity_schema.core.queries import QueryFile

QUERIES = QueryFile(__package__, "data_sample.sql")
SAMPLE_ROWS = 5


@dataclass(frozen=True)
class TableSample:
    row_count: int
    key: tuple[str, ...]  # primary key columns; empty: rows are counted, not compared
    rows: tuple[dict[str, Any], ...]


def sample_data(
    conn: Connection,
    schema: str = SCHEMA,
    keys: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, TableSample]:
    """Row count of every table, and its first rows by primary key (or by `keys[table]`)."""
    samples: dict[str, TableSample] = {}
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(QUERIES["data_tables"], {"schema": schema})
        tables = [
            (str(r["table_name"]), tuple(r["key_columns"]))
            for r in cur.fetchall()
            if r["table_name"] not in TRACKING_TABLES  # their rows record migrations, not data
        ]
    for table, primary_key in tables:
        identifier = sql.Identifier(schema, table)
        count_row = conn.execute(
            QUERIES["count_rows"].format(table=identifier)
        ).fetchone()
        key = (keys or {}).get(table, primary_key)
        rows: list[dict[str, Any]] = []
        if key:
            query = QUERIES["sample_rows"].format(
                table=identifier, key=sql.SQL(", ").join(sql.Identifier(c) for c in key)
            )
            fetched = conn.execute(query, {"limit": SAMPLE_ROWS}).fetchall()
            rows = [cast(dict[str, Any], r[0]) for r in fetched]
        count = cast(int, count_row[0]) if count_row else 0
        samples[table] = TableSample(count, key, tuple(rows))
    return samples


def compare_data(
    before: dict[str, TableSample], after: dict[str, TableSample], schema: str = SCHEMA
) -> list[str]:
    """What happened to the demo data: lost tables, changed row counts, changed values in the
    columns that still exist."""
    problems: list[str] = []
    for table, was in sorted(before.items()):
        name = f"{schema}.{table}"
        now = after.get(table)
        if now is None:
            if was.row_count:
                problems.append(f"demo data: table {name} ({was.row_count} rows) is gone")
            continue
        if now.row_count != was.row_count:
            problems.append(f"demo data: {name} had {was.row_count} rows, now {now.row_count}")
            continue
        if now.key != was.key:
            continue  # the old key is gone: rows can no longer be matched, only counted
        for old_row, new_row in zip(was.rows, now.rows, strict=False):
            key_text = ", ".join(f"{c}={old_row.get(c)}" for c in was.key)
            changed = [
                column
                for column in old_row
                if column in new_row and _as_text(old_row[column]) != _as_text(new_row[column])
            ]
            for column in changed:
                problems.append(
                    f"demo data: {name} ({key_text}): {column} was {_as_text(old_row[column])}, "
                    f"now {_as_text(new_row[column])}"
                )
    return problems


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def keys_still_there(
    before: dict[str, TableSample], conn: Connection
) -> dict[str, tuple[str, ...]]:
    """Sample the upgraded tables by the old key where its columns still exist."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(QUERIES["data_tables"], {"schema": SCHEMA})
        columns = {str(r["table_name"]): set(r["column_names"]) for r in cur.fetchall()}
    return {
        table: sample.key
        for table, sample in before.items()
        if sample.key and set(sample.key) <= columns.get(table, set())
    }
