#!/usr/bin/env python3
"""Derive what PostgreSQL 18 has built in that PostgreSQL 13 lacks, from the servers themselves.

Starts a throwaway cluster of each major (13 from the cache `scripts/pg_matrix.py` fills, 18 the
embedded one, 14-17 when cached so each item says which release added it), reads the catalogs
(functions with the argument counts a call may pass, operators, opclasses, access methods, types,
catalog tables/views and their columns, settings, predefined roles, keywords) and writes the
difference to xferity_schema/lint/data/newer_than_13.json, which the pg13-compat rule reads.

    python scripts/gen_pg13_compat.py                 # rewrite the data file
    python scripts/gen_pg13_compat.py --check         # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psycopg

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from xferity_schema.core.queries import QueryFile  # noqa: E402
from xferity_schema.servers.scratch import throwaway_cluster  # noqa: E402

CACHE = REPO_ROOT / ".xferity-cache" / "pg"  # filled by scripts/pg_matrix.py --fetch-only
DATA_FILE = REPO_ROOT / "xferity_schema" / "lint" / "data" / "newer_than_13.json"
QUERIES = QueryFile("xferity_schema.lint", "catalog.sql")
MAX_ARGS = 12  # calls with more arguments than this are judged as "this many"


def accepted_counts(nargs: int, ndefaults: int, variadic: bool) -> set[int]:
    """How many arguments a call to this function may pass."""
    high = MAX_ARGS if variadic else nargs
    low = nargs - ndefaults - (1 if variadic else 0)
    return set(range(max(low, 0), high + 1))


def snapshot(bin_dir: Path | None) -> dict[str, Any]:
    with throwaway_cluster(bin_dir) as server, psycopg.connect(server.superuser_dsn()) as conn:
        version = str(conn.execute(QUERIES["server_version"]).fetchone()[0])  # type: ignore[index]

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


def since(item: Any, present: Iterable[tuple[int, Any]]) -> int:
    """The first major (after 13) whose snapshot has `item` (a predicate over the snapshot)."""
    for major, snap in present:
        if item(snap):
            return major
    return 18


def difference(old: dict[str, Any], new: dict[str, Any], middle: list[tuple[int, Any]]) -> Any:
    chain = [*middle, (18, new)]
    out: dict[str, Any] = {
        "generated_from": {"old": old["version"], "new": new["version"]},
        "functions": {},
    }
    for name, counts in sorted(new["functions"].items()):
        added = sorted(counts - old["functions"].get(name, set()))
        if not added:
            continue
        out["functions"][name] = {
            "new_name": name not in old["functions"],
            "arg_counts": added,
            "aggregate": name in new["aggregates"],
            "since": since(
                lambda s, n=name, a=added: bool(set(a) & s["functions"].get(n, set())), chain
            ),
        }
    for key in ("operators", "opclasses", "access_methods", "types", "settings", "roles"):
        out[key] = {
            item: since(lambda s, i=item, k=key: i in s[k], chain)
            for item in sorted(new[key] - old[key])
        }
    out["keywords"] = sorted(new["keywords"] - old["keywords"])
    relations: dict[str, Any] = {}
    for name, columns in sorted(new["relations"].items()):
        if name not in old["relations"]:
            relations[name] = {
                "new_relation": True,
                "since": since(lambda s, n=name: n in s["relations"], chain),
            }
            continue
        added_cols = [c for c in sorted(columns - old["relations"][name])]
        if added_cols:
            relations[name] = {
                "new_relation": False,
                "columns": {
                    c: since(lambda s, n=name, c=c: c in s["relations"].get(n, set()), chain)
                    for c in added_cols
                },
            }
    out["relations"] = relations
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-bin", type=Path, default=CACHE / "13" / "bin")
    parser.add_argument("--check", action="store_true", help="exit 1 if the data file is stale")
    args = parser.parse_args()
    old = snapshot(args.old_bin)
    middle = [
        (major, snapshot(CACHE / str(major) / "bin"))
        for major in (14, 15, 16, 17)
        if (CACHE / str(major) / "bin" / "postgres").is_file()
    ]
    new = snapshot(None)
    text = json.dumps(difference(old, new, middle), indent=1, sort_keys=True) + "\n"
    if args.check:
        current = DATA_FILE.read_text(encoding="utf-8") if DATA_FILE.is_file() else ""
        if current != text:
            print(f"{DATA_FILE} is stale: run scripts/gen_pg13_compat.py", file=sys.stderr)
            return 1
        print(f"{DATA_FILE} is up to date")
        return 0
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {DATA_FILE} ({old['version']} -> {new['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
