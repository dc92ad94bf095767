"""Syntax and built-ins newer than PostgreSQL 13, the oldest server Xferity supports.

pglast parses with a current PostgreSQL grammar, so newer syntax parses fine here and fails only
on a PostgreSQL 13 server in production. The lists below are checked against each release's
"E.1 Release notes"; they cover what a schema migration is likely to use, not every catalog
function.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast, enums

from xferity_schema.lint.syntax import dotted_name, node_location, walk

MINIMUM_MAJOR = 13

# Built-in functions by the release that introduced them (unqualified or pg_catalog calls only).
NEWER_FUNCTIONS: dict[str, int] = {
    **dict.fromkeys(
        (
            "bit_count",
            "trim_array",
            "unistr",
            "date_bin",
            "string_to_table",
            "range_agg",
            "range_intersect_agg",
            "multirange",
            "pg_get_catalog_foreign_keys",
        ),
        14,
    ),
    **dict.fromkeys(("regexp_count", "regexp_instr", "regexp_like", "regexp_substr"), 15),
    **dict.fromkeys(
        (
            "any_value",
            "pg_input_is_valid",
            "pg_input_error_info",
            "random_normal",
            "array_sample",
            "array_shuffle",
            "date_add",
            "date_subtract",
            "erf",
            "erfc",
            "to_bin",
            "to_oct",
            "system_user",
        ),
        16,
    ),
    **dict.fromkeys(
        (
            "uuid_extract_timestamp",
            "uuid_extract_version",
            "to_regtypemod",
            "pg_basetype",
            "unicode_assigned",
            "merge_action",
        ),
        17,
    ),
    **dict.fromkeys(
        (
            "uuidv7",
            "uuidv4",
            "casefold",
            "array_sort",
            "array_reverse",
            "crc32",
            "crc32c",
            "gamma",
            "lgamma",
        ),
        18,
    ),
}

NEWER_TYPES: dict[str, int] = dict.fromkeys(
    (
        "int4multirange",
        "int8multirange",
        "nummultirange",
        "tsmultirange",
        "tstzmultirange",
        "datemultirange",
        "anymultirange",
        "anycompatiblemultirange",
    ),
    14,
)

# Parse-tree nodes that only exist for newer syntax.
NEWER_NODES: dict[type[ast.Node], tuple[int, str]] = {
    ast.MergeStmt: (15, "MERGE"),
    ast.JsonIsPredicate: (16, "IS JSON"),
    ast.JsonObjectConstructor: (16, "JSON_OBJECT()"),
    ast.JsonArrayConstructor: (16, "JSON_ARRAY()"),
    ast.JsonArrayQueryConstructor: (16, "JSON_ARRAY(query)"),
    ast.JsonObjectAgg: (16, "JSON_OBJECTAGG()"),
    ast.JsonArrayAgg: (16, "JSON_ARRAYAGG()"),
    ast.JsonParseExpr: (17, "JSON()"),
    ast.JsonScalarExpr: (17, "JSON_SCALAR()"),
    ast.JsonSerializeExpr: (17, "JSON_SERIALIZE()"),
    ast.JsonFuncExpr: (17, "JSON_QUERY/JSON_VALUE/JSON_EXISTS"),
    ast.JsonTable: (17, "JSON_TABLE"),
    ast.CTESearchClause: (14, "WITH ... SEARCH"),
    ast.CTECycleClause: (14, "WITH ... CYCLE"),
}

NEWER_ROLES: dict[str, int] = {
    "pg_read_all_data": 14,
    "pg_write_all_data": 14,
    "pg_database_owner": 14,
    "pg_checkpoint": 15,
    "pg_use_reserved_connections": 16,
    "pg_create_subscription": 16,
    "pg_maintain": 17,
    "pg_signal_autovacuum_worker": 18,
}


def newer_than_13(tree: Any, default_location: int) -> Iterator[tuple[int, str]]:
    """(location, message) for every construct in `tree` a PostgreSQL 13 server rejects."""
    for node in walk(tree):
        where = node_location(node, default_location)
        for version, what in _newer(node):
            if version > MINIMUM_MAJOR:
                yield where, f"{what}: PostgreSQL {version}+ only; Xferity must run on 13"


def _newer(node: ast.Node) -> Iterator[tuple[int, str]]:
    known = NEWER_NODES.get(type(node))
    if known:
        yield known
    if isinstance(node, ast.FuncCall):
        yield from _function(node)
    elif isinstance(node, ast.TypeName):
        names = dotted_name(node.names)
        if names and names[-1] in NEWER_TYPES and names[0] in (names[-1], "pg_catalog"):
            yield NEWER_TYPES[names[-1]], f"type {names[-1]}"
    elif isinstance(node, ast.Constraint | ast.IndexStmt) and node.nulls_not_distinct:
        yield 15, "NULLS NOT DISTINCT"
    elif isinstance(node, ast.CreateTrigStmt) and node.replace:
        yield 14, "CREATE OR REPLACE TRIGGER"
    elif isinstance(node, ast.CreateFunctionStmt) and node.sql_body is not None:
        yield 14, "a SQL-standard function body (BEGIN ATOMIC / RETURN)"
    elif isinstance(node, ast.ViewStmt | ast.AlterTableCmd | ast.CreateStmt):
        yield from _reloptions(node)
    elif isinstance(node, ast.A_Indirection):
        yield from _subscripts(node)
    elif isinstance(node, ast.SelectStmt) and node.groupDistinct:
        yield 14, "GROUP BY DISTINCT"
    elif isinstance(node, ast.PartitionCmd) and node.concurrent:
        yield 14, "DETACH PARTITION CONCURRENTLY"
    elif isinstance(node, ast.ColumnDef) and node.compression:
        yield 14, "column COMPRESSION"
    elif isinstance(node, ast.Constraint):
        yield from _constraint(node)
    elif isinstance(node, ast.ReturningClause) and node.options:
        yield 18, "RETURNING WITH (OLD/NEW AS ...)"
    elif isinstance(node, ast.AccessPriv):
        name = (node.priv_name or "").lower()
        if name == "maintain":
            yield 17, "the MAINTAIN privilege"
        elif name in NEWER_ROLES:  # GRANT <predefined role> TO ...
            yield NEWER_ROLES[name], f"predefined role {name}"
    elif isinstance(node, ast.GrantStmt) and node.objtype == enums.ObjectType.OBJECT_PARAMETER_ACL:
        yield 15, "GRANT ... ON PARAMETER"
    elif isinstance(node, ast.RoleSpec) and (node.rolename or "") in NEWER_ROLES:
        role = node.rolename or ""
        yield NEWER_ROLES[role], f"predefined role {role}"


def _function(node: ast.FuncCall) -> Iterator[tuple[int, str]]:
    names = dotted_name(node.funcname)
    if not names or (len(names) > 1 and names[0] != "pg_catalog"):
        return
    name = names[-1].lower()
    if name in NEWER_FUNCTIONS:
        yield NEWER_FUNCTIONS[name], f"{name}()"
    elif name == "random" and node.args and len(node.args) == 2:
        yield 18, "random(min, max)"


def _reloptions(
    node: ast.ViewStmt | ast.AlterTableCmd | ast.CreateStmt,
) -> Iterator[tuple[int, str]]:
    options = node.options if isinstance(node, ast.ViewStmt | ast.CreateStmt) else node.def_
    for option in options if isinstance(options, tuple | list) else ():
        if isinstance(option, ast.DefElem) and option.defname == "security_invoker":
            yield 15, "security_invoker views"


def _subscripts(node: ast.A_Indirection) -> Iterator[tuple[int, str]]:
    # `payload['key']` is jsonb subscripting (14); an array is indexed by integers, never text.
    for item in node.indirection or ():
        bound = item.uidx if isinstance(item, ast.A_Indices) and not item.is_slice else None
        if isinstance(bound, ast.A_Const) and isinstance(bound.val, ast.String):
            yield 14, "jsonb subscripting (value['key'])"


def _constraint(node: ast.Constraint) -> Iterator[tuple[int, str]]:
    if node.without_overlaps or node.pk_with_period or node.fk_with_period:
        yield 18, "temporal constraints (WITHOUT OVERLAPS / PERIOD)"
    if node.contype == enums.ConstrType.CONSTR_GENERATED and node.generated_kind == "v":
        yield 18, "virtual generated columns"
