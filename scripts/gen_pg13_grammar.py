#!/usr/bin/env python3
"""Derive what PostgreSQL's grammar gained after 13, from the parse-tree definitions themselves.

libpg_query carries PostgreSQL's parser for each major; its node definitions (parsenodes.h, as
protobuf) are published per major by the npm package `@pgsql/types` (13.x, 15.x, 16.x, 17.x and
18.x; there is no 14.x, so what 14 added is dated "15"). This script downloads each with
`npm pack` into .xferity-cache/npm, reads every node's fields and every enum's values, and writes
what PostgreSQL 13 lacks to xferity_schema/lint/data/grammar_since_13.json:
- "nodes":  node types 13's parser has no definition for, with the first major that has them;
- "fields": fields of older nodes that 13's definition lacks ("Node.field");
- "enum_values": values that 13's lacks of the parse-tree enums 13 has ("Enum.VALUE").
The pg13-compat rule (xferity_schema/lint/grammar.py) reports a parsed statement that uses any of
them, except for the additions it lists as changes of representation only.

    python scripts/gen_pg13_grammar.py            # rewrite the data file
    python scripts/gen_pg13_grammar.py --check    # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE = REPO_ROOT / ".xferity-cache" / "npm"
DATA_FILE = REPO_ROOT / "xferity_schema" / "lint" / "data" / "grammar_since_13.json"
# One release of @pgsql/types per PostgreSQL major, oldest first; the first is the baseline.
RELEASES = {13: "13.11.2", 15: "15.1.2", 16: "16.1.2", 17: "17.6.2", 18: "18.0.0"}
_INTERFACE = re.compile(r"export interface (\w+) \{(.*?)\n\}", re.S)
_FIELD = re.compile(r"^\s+(\w+)\??:", re.M)
_ENUM = re.compile(r"export type (\w+) = (.*?);")
_VALUE = re.compile(r'"(\w+)"')


def package_files(version: str) -> tuple[str, str]:
    """(types.d.ts, enums.d.ts) of @pgsql/types at `version`, downloaded once."""
    tarball = CACHE / f"pgsql-types-{version}.tgz"
    if not tarball.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "pack", f"@pgsql/types@{version}", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
        )
    with tarfile.open(tarball) as archive:
        texts = []
        for name in ("package/types.d.ts", "package/enums.d.ts"):
            member = archive.extractfile(name)
            if member is None:
                raise SystemExit(f"error: {tarball} has no {name}")
            texts.append(member.read().decode("utf-8"))
    return texts[0], texts[1]


def definitions(version: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    types, enums = package_files(version)
    nodes = {m.group(1): _FIELD.findall(m.group(2)) for m in _INTERFACE.finditer(types)}
    values = {m.group(1): _VALUE.findall(m.group(2)) for m in _ENUM.finditer(enums)}
    return nodes, values


def difference() -> dict[str, Any]:
    majors = sorted(RELEASES)
    loaded = {major: definitions(RELEASES[major]) for major in majors}
    base_nodes, base_enums = loaded[majors[0]]
    nodes: dict[str, int] = {}
    fields: dict[str, int] = {}
    enum_values: dict[str, int] = {}
    for major in majors[1:]:
        later_nodes, later_enums = loaded[major]
        for name, members in later_nodes.items():
            if name not in base_nodes:
                nodes.setdefault(name, major)
                continue
            for member in members:
                if member not in base_nodes[name]:
                    fields.setdefault(f"{name}.{member}", major)
        for name, values in later_enums.items():
            if name not in base_enums:  # a new enum types a field 13 stored otherwise
                continue
            for value in values:
                if value not in base_enums[name]:
                    enum_values.setdefault(f"{name}.{value}", major)
    return {
        "source": {
            "package": "@pgsql/types (libpg_query's PostgreSQL parse-tree definitions)",
            "releases": {str(major): RELEASES[major] for major in majors},
            "note": "a major listed as 15 may be 14: there is no 14.x release",
        },
        "nodes": dict(sorted(nodes.items())),
        "fields": dict(sorted(fields.items())),
        "enum_values": dict(sorted(enum_values.items())),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the data file is stale")
    args = parser.parse_args()
    try:
        data = difference()
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"error: cannot fetch @pgsql/types with npm: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(data, indent=1, sort_keys=False) + "\n"
    if args.check:
        current = DATA_FILE.read_text(encoding="utf-8") if DATA_FILE.is_file() else ""
        if current != text:
            print(f"{DATA_FILE.relative_to(REPO_ROOT)} is stale: run {sys.argv[0]}")
            return 1
        print(f"{DATA_FILE.relative_to(REPO_ROOT)} is up to date")
        return 0
    DATA_FILE.write_text(text, encoding="utf-8")
    print(
        f"wrote {DATA_FILE.relative_to(REPO_ROOT)}: {len(data['nodes'])} nodes, "
        f"{len(data['fields'])} fields, {len(data['enum_values'])} enum values"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
