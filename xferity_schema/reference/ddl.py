"""sql/schema.sql: the DDL of a fresh install, rebuilt from the snapshot in a fixed order and
layout (never pg_dump's, whose output changes between versions): types, then each table with
its comments and indexes, functions (bodies unchecked until the end, as pg_dump does), views,
triggers, and last the foreign keys. Run on an empty database it builds the same schema as the
migrations, grants aside: privileges are the role model's (`xferity-schema grants`)."""

from __future__ import annotations

import re

from xferity_schema.core.contract import GENERATED_SQL_MARKER
from xferity_schema.reference.layout import INDENT, layout_query
from xferity_schema.reference.model import Column, Function, NamedObject, Reference, Table, View

HEADER = f"""\
{GENERATED_SQL_MARKER} from the catalog snapshot of a fresh install: do not edit.
-- The current schema in one file, for reading. The contract is sql/migrations/: this file builds
-- the same schema (a test checks it) but is never applied by the toolkit. `docs --check` keeps
-- it current; lint skips it (deparsed catalog output). Privileges are the role model's
-- (`xferity-schema grants`) and are left out.
"""
_FUNCTION_CLAUSE = re.compile(r" (?=(?:RETURNS|LANGUAGE|SET|COST|ROWS|SUPPORT) )")
_BODY_START = re.compile(r" AS (\$[A-Za-z0-9_]*\$) ")


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment(target: str, comment: str | None) -> list[str]:
    return [f"COMMENT ON {target} IS", f"{literal(comment)};"] if comment else []


def column_sql(column: Column) -> str:
    parts = [column.name, column.type]
    if column.collation:
        parts.append(f"COLLATE {column.collation}")
    if column.identity:
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
    elif column.generated and column.default:
        parts.append(f"GENERATED ALWAYS AS ({column.default}) {column.generated.upper()}")
    elif column.default:
        parts.append(f"DEFAULT {column.default}")
    if column.not_null:
        parts.append("NOT NULL")
    return " ".join(parts)


def _table(table: Table, schema: str) -> list[str]:
    kind = str(table.attributes.get("table_kind") or "table")
    unlogged = table.attributes.get("persistence") == "unlogged"
    items = [column_sql(c) for c in table.columns]
    items += [
        f"CONSTRAINT {c.name} {c.definition}"
        for c in sorted(table.constraints, key=lambda c: (c.kind != "primary key", c.name))
        if c.kind != "foreign key"
    ]
    head = "CREATE UNLOGGED TABLE" if unlogged else "CREATE TABLE"
    lines = [f"{head} {table.name} ("]
    lines += [f"{INDENT}{item}," for item in items[:-1]] + [f"{INDENT}{items[-1]}"] if items else []
    tail = ")"
    partition_key = table.attributes.get("partition_key")
    if kind == "partitioned table" and isinstance(partition_key, str):
        tail += f" PARTITION BY {partition_key}"
    options = table.attributes.get("storage_options")
    if isinstance(options, list) and options:
        tail += " WITH (" + ", ".join(options) + ")"
    lines.append(tail + ";")
    if table.attributes.get("row_security") is True:
        lines.append(f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY;")
    if table.attributes.get("force_row_security") is True:
        lines.append(f"ALTER TABLE {table.name} FORCE ROW LEVEL SECURITY;")
    lines += _comment(f"TABLE {table.name}", table.comment)
    for column in table.columns:
        lines += _comment(f"COLUMN {table.name}.{column.name}", column.comment)
    for constraint in table.constraints:
        if constraint.kind != "foreign key":  # commented with the foreign keys, at the end
            lines += _comment(f"CONSTRAINT {constraint.name} ON {table.name}", constraint.comment)
    for index in table.indexes:
        if not index.backs_constraint:
            lines.append(f"{index.definition};")
        lines += _comment(f"INDEX {schema}.{index.name}", index.comment)
    for policy in table.policies:
        lines.append(
            _policy_sql(
                table,
                policy.name,
                policy.command,
                policy.permissive,
                policy.roles,
                policy.using,
                policy.check,
            )
            + ";"
        )
        lines += _comment(f"POLICY {policy.name} ON {table.name}", policy.comment)
    return lines


def _policy_sql(
    table: Table,
    name: str,
    command: str,
    permissive: bool,
    roles: list[str],
    using: str | None,
    check: str | None,
) -> str:
    parts = [f"CREATE POLICY {name} ON {table.name}"]
    if not permissive:
        parts.append("AS RESTRICTIVE")
    parts.append(f"FOR {command}")
    parts.append("TO " + ", ".join(roles))
    if using:
        parts.append(f"USING ({using})")
    if check:
        parts.append(f"WITH CHECK ({check})")
    return " ".join(parts)


def function_sql(function: Function) -> list[str]:
    """The definition's header one clause a line, then the body exactly as written."""
    definition = function.definition
    found = _BODY_START.search(definition)
    if function.body is None or found is None:
        return [definition.rstrip(";") + ";"]
    header = definition[: found.start()].replace("CREATE OR REPLACE ", "CREATE ", 1)
    tag = found.group(1)
    lines = _FUNCTION_CLAUSE.sub("\n" + INDENT, header).split("\n")
    return [*lines, f"AS {tag}{function.body}{tag};"]


def view_sql(view: View) -> list[str]:
    kind = (
        "MATERIALIZED VIEW" if view.attributes.get("view_kind") == "materialized view" else "VIEW"
    )
    query = layout_query(view.definition.rstrip(";"), INDENT)
    return [f"CREATE {kind} {view.name} AS", query + ";"]


def _other(obj: NamedObject) -> list[str]:
    definition = obj.attributes.get("definition")
    elements = obj.attributes.get("elements")
    kind = obj.attributes.get("type_kind")
    if obj.kind == "type" and kind == "enum" and isinstance(elements, list):
        labels = ", ".join(literal(e) for e in elements)
        lines = [f"CREATE TYPE {obj.name} AS ENUM ({labels});"]
    elif obj.kind == "type" and kind == "domain" and isinstance(definition, str):
        checks = " ".join(f"CONSTRAINT {e}" for e in elements) if isinstance(elements, list) else ""
        lines = [f"CREATE DOMAIN {obj.name} AS {definition} {checks}".rstrip() + ";"]
    elif obj.kind == "statistics" and isinstance(definition, str):
        lines = [f"{definition};"]
    else:
        lines = [f"-- {obj.kind} {obj.name}: {definition or elements or ''}"]
    target = "TYPE" if obj.kind == "type" else obj.kind.upper()
    if kind == "domain":
        target = "DOMAIN"
    return lines + _comment(f"{target} {obj.name}", obj.comment)


def schema_sql(reference: Reference) -> str:
    blocks: list[list[str]] = [
        [HEADER.rstrip("\n")],
        ["SET check_function_bodies = FALSE;"],
        [
            f"CREATE SCHEMA {reference.schema};",
            *_comment(f"SCHEMA {reference.schema}", reference.schema_comment),
        ],
    ]
    for area in reference.areas:
        blocks += [_other(o) for o in area.others]
    for area in reference.areas:
        blocks += [_table(t, reference.schema) for t in area.tables]
    functions = sorted((f for a in reference.areas for f in a.functions), key=lambda f: f.name)
    for function in functions:
        target = "PROCEDURE" if function.kind == "procedure" else "FUNCTION"
        blocks.append(
            function_sql(function) + _comment(f"{target} {function.name}", function.comment)
        )
    for area in reference.areas:
        for view in area.views:
            lines = view_sql(view) + _comment(f"VIEW {view.name}", view.comment)
            for column in view.columns:
                lines += _comment(f"COLUMN {view.name}.{column.name}", column.comment)
            blocks.append(lines)
    for area in reference.areas:
        for table in area.tables:
            for trigger in table.triggers:
                blocks.append(
                    [
                        f"{trigger.definition};",
                        *_comment(f"TRIGGER {trigger.name} ON {table.name}", trigger.comment),
                    ]
                )
    for area in reference.areas:
        for table in area.tables:
            for fk in table.foreign_keys():
                blocks.append(
                    [
                        f"ALTER TABLE {table.name} ADD CONSTRAINT {fk.name}",
                        f"{INDENT}{fk.definition};",
                        *_comment(f"CONSTRAINT {fk.name} ON {table.name}", fk.comment),
                    ]
                )
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
