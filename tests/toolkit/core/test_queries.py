"""The named-query loader (xferity_schema.core.queries): how a query file is parsed, what it
refuses, and that every query the package asks for by name is defined in its file."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import xferity_schema
from xferity_schema.core.errors import XferitySchemaError
from xferity_schema.core.queries import QueryFile, parse_named_queries

PACKAGE_DIR = Path(xferity_schema.__file__).resolve().parent

TWO_QUERIES = """\
-- Header: what this file is for. Not a query.
SET search_path = pg_catalog;

-- name: first_query
SELECT 1;

-- name: second_query
SELECT a
FROM b
WHERE c = %(c)s;
"""


def test_named_queries_are_parsed_in_file_order_without_the_header() -> None:
    queries = parse_named_queries(TWO_QUERIES)
    assert list(queries) == ["first_query", "second_query"]
    assert queries["first_query"] == "SELECT 1;"
    assert queries["second_query"] == "SELECT a\nFROM b\nWHERE c = %(c)s;"


def test_a_name_line_must_be_exactly_a_name() -> None:
    # Only `-- name: <identifier>` alone on its line opens a query.
    text = "-- name: ok\nSELECT 1;\n-- name: not a name\nSELECT 2;\n--name: tight\nSELECT 3;\n"
    assert parse_named_queries(text) == {
        "ok": "SELECT 1;\n-- name: not a name\nSELECT 2;\n--name: tight\nSELECT 3;"
    }


def test_a_file_without_names_has_no_queries() -> None:
    assert parse_named_queries("-- just a header\nSELECT 1;\n") == {}


def test_a_duplicate_name_is_refused() -> None:
    text = "-- name: twice\nSELECT 1;\n-- name: other\nSELECT 2;\n-- name: twice\nSELECT 3;\n"
    with pytest.raises(XferitySchemaError, match="'twice' is defined twice"):
        parse_named_queries(text)


def test_an_unknown_name_is_a_key_error_naming_the_file_and_the_query() -> None:
    queries = QueryFile("xferity_schema.migrate", "runner.sql")
    with pytest.raises(KeyError) as caught:
        queries["no_such_query"]
    message = str(caught.value)
    assert "xferity_schema.migrate/queries/runner.sql" in message
    assert "'no_such_query'" in message


def test_a_known_name_loads_its_text() -> None:
    queries = QueryFile("xferity_schema.migrate", "runner.sql")
    assert "create_tracking_tables" in queries.names()
    assert "CREATE TABLE" in queries["create_tracking_tables"].as_string(None)


def test_a_query_file_needs_a_package() -> None:
    with pytest.raises(XferitySchemaError, match="no package given"):
        QueryFile(None, "runner.sql")


# -- every query the package uses exists -------------------------------------------------------


def query_files() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("queries/*.sql"))


@pytest.mark.parametrize(
    "path", query_files(), ids=lambda p: str(p.relative_to(PACKAGE_DIR.parent))
)
def test_every_query_file_parses_without_duplicates(path: Path) -> None:
    queries = parse_named_queries(path.read_text(encoding="utf-8"))
    assert queries, f"{path} defines no named query"
    assert all(text for text in queries.values()), f"{path} has an empty query"


@dataclass(frozen=True)
class QueryUse:
    """One `QUERIES[...]` subscript: where, on which file, and the names it can take (None:
    the test cannot tell, which is itself a failure)."""

    where: str
    query_file: Path
    names: frozenset[str] | None


def package_of(module: Path) -> str:
    parts = module.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1])


def constant_strings(node: ast.expr, module: ast.Module) -> frozenset[str] | None:
    """A string constant, a tuple or list of them, or a module-level name bound to one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return frozenset({node.value})
    if isinstance(node, ast.Tuple | ast.List):
        found = [constant_strings(element, module) for element in node.elts]
        if any(names is None for names in found):
            return None
        return frozenset().union(*(names for names in found if names is not None))
    if isinstance(node, ast.Name):
        for statement in module.body:
            if isinstance(statement, ast.Assign) and [
                getattr(t, "id", None) for t in statement.targets
            ] == [node.id]:
                return constant_strings(statement.value, module)
    return None


class NameResolver:
    """Which string constants a name used as a query name can hold, following a `for` loop over
    constants, or a function parameter back to the calls of that function in the module."""

    def __init__(self, module: ast.Module) -> None:
        self.module = module
        self.parents: dict[ast.AST, ast.AST] = {
            child: parent for parent in ast.walk(module) for child in ast.iter_child_nodes(parent)
        }

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        while node in self.parents:
            node = self.parents[node]
            yield node

    def resolve(self, node: ast.expr) -> frozenset[str] | None:
        if not isinstance(node, ast.Name):
            return constant_strings(node, self.module)
        for ancestor in self.ancestors(node):
            if (
                isinstance(ancestor, ast.For | ast.comprehension)
                and isinstance(ancestor.target, ast.Name)
                and ancestor.target.id == node.id
            ):
                return constant_strings(ancestor.iter, self.module)
            if isinstance(ancestor, ast.FunctionDef):
                return self.resolve_parameter(ancestor, node.id)
        return constant_strings(node, self.module)

    def resolve_parameter(self, function: ast.FunctionDef, name: str) -> frozenset[str] | None:
        positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        if name not in positional and name not in [a.arg for a in function.args.kwonlyargs]:
            return None
        found: set[str] = set()
        calls = 0
        for call in ast.walk(self.module):
            if not (isinstance(call, ast.Call) and _called_name(call) == function.name):
                continue
            calls += 1
            argument = _argument(call, positional, name)
            names = None if argument is None else self.resolve(argument)
            if names is None:
                return None
            found |= names
        return frozenset(found) if calls else None


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _argument(call: ast.Call, positional: list[str], name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if name in positional and positional.index(name) < len(call.args):
        return call.args[positional.index(name)]
    return None


def query_file_variables(module: ast.Module, package: str) -> dict[str, Path]:
    """Module-level `NAME = QueryFile(__package__, "file.sql")` -> NAME: that file."""
    variables: dict[str, Path] = {}
    for statement in module.body:
        if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
            continue
        call = statement.value
        if _called_name(call) != "QueryFile":
            continue
        package_arg, file_arg = call.args
        assert isinstance(package_arg, ast.Name) and package_arg.id == "__package__"
        assert isinstance(file_arg, ast.Constant) and isinstance(file_arg.value, str)
        for target in statement.targets:
            assert isinstance(target, ast.Name)
            variables[target.id] = (
                PACKAGE_DIR.parent.joinpath(*package.split(".")) / "queries" / file_arg.value
            )
    return variables


def query_uses() -> list[QueryUse]:
    uses: list[QueryUse] = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        variables = query_file_variables(module, package_of(path))
        resolver = NameResolver(module)
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id in variables
            ):
                where = f"{path.relative_to(PACKAGE_DIR.parent)}:{node.lineno}"
                names = resolver.resolve(node.slice)
                uses.append(QueryUse(where, variables[node.value.id], names))
    return uses


def test_the_scan_finds_the_package_s_query_uses() -> None:
    # Guards the scan itself: it sees the files and the subscripts the package is known to have.
    uses = query_uses()
    files = {use.query_file.name for use in uses}
    assert {"runner.sql", "snapshot.sql", "audit.sql", "cluster.sql"} <= files
    assert len(uses) >= 20


def test_every_query_the_package_uses_is_defined_in_its_file() -> None:
    unresolved: list[str] = []
    missing: list[str] = []
    for use in query_uses():
        if use.names is None:
            unresolved.append(use.where)
            continue
        assert use.query_file.exists(), f"{use.where}: {use.query_file} does not exist"
        defined = parse_named_queries(use.query_file.read_text(encoding="utf-8"))
        missing += [
            f"{use.where}: {use.query_file.name} has no {name!r}"
            for name in sorted(use.names - defined.keys())
        ]
    assert unresolved == [], "query names this test cannot tell (use constants): " + ", ".join(
        unresolved
    )
    assert missing == []


def test_every_query_file_is_loaded_by_some_module() -> None:
    loaded = {use.query_file for use in query_uses()}
    assert [p for p in query_files() if p not in loaded] == []


def test_every_defined_query_is_used() -> None:
    # A query no module asks for is dead code that still reads like part of the toolkit.
    used: dict[Path, set[str]] = {}
    for use in query_uses():
        used.setdefault(use.query_file, set()).update(use.names or ())
    unused = [
        f"{path.relative_to(PACKAGE_DIR.parent)}: {name}"
        for path in query_files()
        for name in parse_named_queries(path.read_text(encoding="utf-8"))
        if name not in used.get(path, set())
    ]
    assert unused == []
