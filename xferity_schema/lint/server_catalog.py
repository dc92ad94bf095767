"""What a PostgreSQL server knows, read from its catalogs: functions (by how many arguments a
call may pass), operators, opclasses, access methods, types, catalog relations and their
columns, settings, predefined roles and keywords. scripts/gen_pg13_compat.py diffs this between
PostgreSQL 13 and 18 into data/newer_than_13.json."""

from __future__ import annotations

from typing import Any

from xferity_schema.core.db import Connection
from xferity_schema.core.queries import QueryFile

QUERIES = QueryFile(__package__, "catalog.sql")
MAX_ARGS = 12  # calls with more arguments than this are judged as "this many"


def accepted_counts(nargs: int, ndefaults: int, variadic: bool) -> set[int]:
    """How many arguments a call to this function may pass."""
    high = MAX_ARGS if variadic else nargs
    low = nargs - ndefaults - (1 if variadic else 0)
    return set(range(max(low, 0), high + 1))


def read_server_catalog(conn: Connection) -> dict[str, Any]:
    row = conn.execute(QUERIES["server_version"]).fetchone()
    version = str(row[0]) if row else ""

    def rows(name: str) -> list[tuple[Any, ...]]:
        return list(conn.execute(QUERIES[name]).fetchall())

    functions: dict[str, set[int]] = {}
    aggregates: set[str] = set()
    for name, kind, nargs, ndefaults, variadic in rows("functions"):
        functions.setdefault(name, set()).update(accepted_counts(nargs, ndefaults, variadic))
        if kind == "a":
            aggregates.add(name)
    operators = rows("operators")
    return {
        "version": version,
        "functions": functions,
        "aggregates": aggregates,
        "operators": {f"{left} {name} {right}".strip() for name, left, right in operators},
        "opclasses": {f"{am}:{name}" for name, am in rows("opclasses")},
        "access_methods": {name for (name,) in rows("access_methods")},
        "types": {name for (name,) in rows("types")},
        "relations": {f"{schema}.{n}": set(cols) for schema, n, cols in rows("relations")},
        "settings": {name for (name,) in rows("settings")},
        "roles": {name for (name,) in rows("roles")},
        "keywords": {name for name, _c in rows("keywords")},
    }
