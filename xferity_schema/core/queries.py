"""Named SQL queries, kept in `.sql` files beside the code that runs them.

A query file holds one or more queries, each opened by a `-- name: <query>` line (procrastinate's
style); the text before the first one is the file's header. Python never builds SQL from string
fragments: it loads a query by name and composes identifiers into it with psycopg.sql.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from psycopg import sql

from xferity_schema.core.errors import XferitySchemaError

_NAME_LINE = re.compile(r"^-- name: (?P<name>[a-z_][a-z0-9_]*)[ \t]*$", re.MULTILINE)


class QueryFile:
    """The named queries of one package-data file, e.g. QueryFile(__package__, "runner.sql")."""

    def __init__(self, package: str | None, filename: str) -> None:
        if package is None:
            raise XferitySchemaError(f"query file {filename}: no package given")
        self.package = package
        self.filename = filename

    def __getitem__(self, name: str) -> sql.SQL:
        queries = _read(self.package, self.filename)
        if name not in queries:
            raise KeyError(f"{self.package}/queries/{self.filename} has no query named {name!r}")
        # Trusted: these files ship with the package and are reviewed like code.
        return sql.SQL(queries[name])

    def names(self) -> list[str]:
        return list(_read(self.package, self.filename))


@cache
def _read(package: str, filename: str) -> dict[str, str]:
    text = files(package).joinpath("queries").joinpath(filename).read_text(encoding="utf-8")
    return parse_named_queries(text)


def parse_named_queries(text: str) -> dict[str, str]:
    """{name: query text} in file order; a repeated name is a packaging bug."""
    marks = list(_NAME_LINE.finditer(text))
    queries: dict[str, str] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        name = mark.group("name")
        if name in queries:
            raise XferitySchemaError(f"query {name!r} is defined twice")
        queries[name] = text[mark.end() : end].strip()
    return queries


def statement(text: str) -> sql.SQL:
    """Wrap one statement read from a migration file, which is trusted reviewed SQL."""
    return sql.SQL(text)
