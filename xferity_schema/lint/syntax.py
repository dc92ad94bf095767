"""SQL text parsed by pglast (PostgreSQL's own parser): statements, positions and a node walker.

Function bodies are opaque strings to the main parser; `embedded_queries` digs the SQL out of
LANGUAGE sql and PL/pgSQL bodies (and DO blocks) so the compatibility rules see inside them too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pglast import ast, enums, parse_plpgsql, parse_sql
from pglast.parser import ParseError

# psycopg's `%(name)s` parameters and psycopg.sql's `{name}` / `{}` composition placeholders, as
# used by the toolkit's own query files (sql/runner, sql/roles, ...); migrations never have them.
_PLACEHOLDER = re.compile(r"%\(\w+\)s|(?<!\{)\{\w*\}(?!\})")
_LAST_WORD = re.compile(r"([A-Za-z_]+)$")
_VALUE_AFTER_CHARS = ("(", ",", "=", "<", ">", "[", "+", "-", "*", "/", "|")
_VALUE_AFTER_WORDS = frozenset(
    {
        "SELECT",
        "AND",
        "OR",
        "NOT",
        "IN",
        "IS",
        "THEN",
        "ELSE",
        "WHEN",
        "VALUES",
        "LIKE",
        "ILIKE",
        "RETURN",
        "ANY",
        "ALL",
        "DEFAULT",
        "BETWEEN",
        "LIMIT",
        "OFFSET",
        "CASE",
        "DISTINCT",
    }
)
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$")


class LineIndex:
    """Turns a character offset into a 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(offset, 0)
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def line_start(self, line: int) -> int:
        return self._starts[min(max(line, 1), len(self._starts)) - 1]


@dataclass(frozen=True)
class Statement:
    node: ast.Node
    location: int
    text: str


@dataclass(frozen=True)
class ParsedSql:
    text: str
    statements: tuple[Statement, ...]
    lines: LineIndex
    error: str | None = None
    error_offset: int = 0

    def position(self, offset: int) -> tuple[int, int]:
        return self.lines.position(offset)


def neutralise_parameters(text: str) -> str:
    """Make a query template parseable without moving anything: psycopg `%(name)s` parameters and
    psycopg.sql `{name}` placeholders become same-length stand-ins. A placeholder where a value
    is expected becomes a literal (`1111`, `'name'`), anywhere else an identifier (`_name_`)."""
    return _PLACEHOLDER.sub(lambda m: _stand_in(text, m), text)


def _stand_in(text: str, match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith("%"):
        return "1" * len(token)
    before = text[: match.start()].rstrip()
    word = _LAST_WORD.search(before)
    value_expected = before.endswith(_VALUE_AFTER_CHARS) or (
        word is not None and word.group(1).upper() in _VALUE_AFTER_WORDS
    )
    inner = token[1:-1]
    return f"'{inner}'" if value_expected else f"_{inner}_"


def parse(text: str) -> ParsedSql:
    lines = LineIndex(text)
    try:
        raw = parse_sql(text)
    except ParseError as exc:
        offset = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        return ParsedSql(text, (), lines, error=str(exc.args[0]), error_offset=offset)
    statements = []
    for item in raw:
        start = item.stmt_location or 0
        length = item.stmt_len or (len(text) - start)
        if item.stmt is not None:
            statements.append(Statement(item.stmt, start, text[start : start + length]))
    return ParsedSql(text, tuple(statements), lines)


def walk(node: Any) -> Iterator[ast.Node]:
    """Every pglast node below (and including) `node`, depth first."""
    stack = [node]
    node_type, sequences = ast.Node, (tuple, list)
    children = (ast.Node, tuple, list)  # a tuple, not a union: isinstance is faster with it
    while stack:
        current = stack.pop()
        if isinstance(current, node_type):
            yield current
            for name in getattr(type(current), "__slots__", ()):
                value = getattr(current, name, None)
                if isinstance(value, children):
                    stack.append(value)
        elif isinstance(current, sequences):
            stack.extend(reversed(current))


def node_location(node: ast.Node, default: int) -> int:
    location = getattr(node, "location", None)
    return location if isinstance(location, int) and location >= 0 else default


def dotted_name(names: Any) -> list[str]:
    """(String, String) -> ['schema', 'name'], as pglast gives qualified names."""
    if not isinstance(names, tuple | list):
        return []
    return [n.sval or "" for n in names if isinstance(n, ast.String)]


def text_of(value: Any) -> str:
    """The string of a pglast String node (or of a plain str), else ''."""
    if isinstance(value, ast.String):
        return value.sval or ""
    return value if isinstance(value, str) else ""


def def_elem(options: Any, name: str) -> ast.DefElem | None:
    for option in options or ():
        if isinstance(option, ast.DefElem) and option.defname == name:
            return option
    return None


@dataclass(frozen=True)
class EmbeddedQuery:
    """SQL found inside a function body: its text and the file offset it is reported at."""

    sql: str
    anchor: int
    exact: bool  # True when node locations inside `sql` map one-to-one onto the file
    plpgsql: bool = False


def embedded_queries(statement: Statement, parsed: ParsedSql) -> Iterator[EmbeddedQuery]:
    node = statement.node
    if isinstance(node, ast.CreateFunctionStmt):
        options = node.options
    elif isinstance(node, ast.DoStmt):
        options = node.args
    else:
        return
    language = def_elem(options, "language")
    body = def_elem(options, "as")
    lang = text_of(language.arg if language else None).lower()
    if isinstance(node, ast.DoStmt):
        lang = lang or "plpgsql"
    if body is None:
        return
    body_value = body.arg[0] if isinstance(body.arg, tuple) and body.arg else body.arg
    if not isinstance(body_value, ast.String):
        return
    body_start = _body_start(parsed.text, getattr(body, "arg_location", None), statement.location)
    if lang == "sql":
        yield EmbeddedQuery(text_of(body_value), body_start, exact=True)
    elif lang == "plpgsql":
        yield from _plpgsql_queries(statement, parsed, body_start)


def _body_start(text: str, literal_at: Any, fallback: int) -> int:
    if not isinstance(literal_at, int) or literal_at < 0:
        return fallback
    tag = _DOLLAR_TAG.match(text, literal_at)
    return literal_at + (len(tag.group(0)) if tag else 1)


def _plpgsql_queries(
    statement: Statement, parsed: ParsedSql, body_start: int
) -> Iterator[EmbeddedQuery]:
    try:
        tree = parse_plpgsql(statement.text)
    except ParseError:  # an unparsable body is PostgreSQL's to report when the function is created
        return
    first_line, _ = parsed.position(body_start)
    jsonb_variables = _plpgsql_jsonb_variables(tree)
    for query, mode, lineno in _plpgsql_exprs(tree, 1):
        anchor = parsed.lines.line_start(first_line + lineno - 1)
        sql = _as_statement(query, mode, jsonb_variables)
        yield EmbeddedQuery(sql, anchor, exact=False, plpgsql=True)


def _plpgsql_exprs(tree: Any, lineno: int) -> Iterator[tuple[str, int, int]]:
    if isinstance(tree, dict):
        lineno = tree.get("lineno", lineno) if isinstance(tree.get("lineno"), int) else lineno
        expr = tree.get("PLpgSQL_expr")
        if isinstance(expr, dict) and isinstance(expr.get("query"), str):
            yield expr["query"], int(expr.get("parseMode", 0)), lineno
        for value in tree.values():
            yield from _plpgsql_exprs(value, lineno)
    elif isinstance(tree, list):
        for value in tree:
            yield from _plpgsql_exprs(value, lineno)


def _plpgsql_jsonb_variables(tree: Any) -> frozenset[str]:
    """Names of the PL/pgSQL variables declared jsonb (or hstore) in a function."""
    found: set[str] = set()
    for function in tree if isinstance(tree, list) else ():
        for datum in (function.get("PLpgSQL_function") or {}).get("datums") or ():
            var = datum.get("PLpgSQL_var") if isinstance(datum, dict) else None
            if isinstance(var, dict):
                typname = ((var.get("datatype") or {}).get("PLpgSQL_type") or {}).get("typname")
                if str(typname).lower() in ("jsonb", "hstore", "pg_catalog.jsonb"):
                    found.add(str(var.get("refname")))
    return frozenset(found)


_SUBSCRIPTED_TARGET = re.compile(
    r"^\s*(?P<var>[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*)\s*(?P<subs>\[.*)$",
    re.DOTALL,
)


def _as_statement(query: str, mode: int, jsonb_variables: frozenset[str] = frozenset()) -> str:
    """PL/pgSQL expressions (mode 2) and assignments (3-5) become parseable SELECTs. A
    subscripted assignment target (`v['k'] := ...`) is kept as a second select item, written as
    a jsonb cast when the variable is declared jsonb, so the subscript rules see it."""
    if mode == 2:
        return "SELECT " + query
    if mode in (3, 4, 5):
        lhs, sep, rhs = query.partition(":=")
        if not sep:
            lhs, _, rhs = query.partition("=")
        target = _SUBSCRIPTED_TARGET.match(lhs)
        if target:
            var = target.group("var")
            base = "(NULL::jsonb)" if var in jsonb_variables else f"({var})"
            return f"SELECT {rhs}, {base}{target.group('subs')}"
        return "SELECT " + rhs
    return query


def has_placeholders(text: str) -> bool:
    return _PLACEHOLDER.search(text) is not None


def later_set_branch_targets(parsed: ParsedSql) -> set[tuple[int, int]]:
    """(line, col) of every select-list item in the second and later branches of a UNION /
    INTERSECT / EXCEPT: PostgreSQL names the result columns from the first branch only."""
    found: set[tuple[int, int]] = set()
    for statement in parsed.statements:
        for node in walk(statement.node):
            if isinstance(node, ast.SelectStmt) and node.op != enums.SetOperation.SETOP_NONE:
                for branch in _set_branches(node)[1:]:
                    for target in branch.targetList or ():
                        if isinstance(target, ast.ResTarget) and target.val is not None:
                            where = node_location(target.val, node_location(target, -1))
                            if where >= 0:
                                found.add(parsed.position(where))
    return found


def _set_branches(node: ast.SelectStmt) -> list[ast.SelectStmt]:
    if node.op == enums.SetOperation.SETOP_NONE:
        return [node]
    branches: list[ast.SelectStmt] = []
    for side in (node.larg, node.rarg):
        if isinstance(side, ast.SelectStmt):
            branches += _set_branches(side)
    return branches
