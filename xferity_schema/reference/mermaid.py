"""Mermaid `erDiagram` blocks: one per area (its tables with their columns, and the tables of
other areas they reference, by name), and one of the whole schema (keys only)."""

from __future__ import annotations

import re

from xferity_schema.reference.model import AreaDoc, Constraint, Reference, Table, short_name

# format_type() spellings with spaces, shortened to one word a diagram attribute can carry.
_SHORT_TYPES = {
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "time with time zone": "timetz",
    "time without time zone": "time",
    "character varying": "varchar",
    "double precision": "float8",
    "bit varying": "varbit",
}
_NOT_A_WORD = re.compile(r"[^A-Za-z0-9_\[\]]")


def diagram_type(type_name: str) -> str:
    """A column type as one Mermaid word: no typmod, no schema, no spaces."""
    base = re.sub(r"\(.*?\)", "", type_name)
    array = base.endswith("[]")
    base = base.removesuffix("[]").strip()
    base = _SHORT_TYPES.get(base, short_name(base))
    word = _NOT_A_WORD.sub("_", base) + ("[]" if array else "")
    return word or "unknown"


def _keys(table: Table, column: str) -> str:
    marks = []
    if column in table.primary_key():
        marks.append("PK")
    if any(column in fk.columns for fk in table.foreign_keys()):
        marks.append("FK")
    if any(
        column in columns and columns != table.primary_key()
        for columns in table.unique_column_sets()
    ):
        marks.append("UK")
    return " " + ", ".join(marks) if marks else ""


def _entity(table: Table, *, keys_only: bool) -> list[str]:
    columns = table.columns
    if keys_only:
        key_columns = set(table.primary_key()) | {
            c for fk in table.foreign_keys() for c in fk.columns
        }
        columns = [c for c in columns if c.name in key_columns] or columns[:1]
    lines = [f"    {table.short} {{"]
    lines += [f"        {diagram_type(c.type)} {c.name}{_keys(table, c.name)}" for c in columns]
    lines.append("    }")
    return lines


def _relationship(child: Table, fk: Constraint) -> str:
    assert fk.referenced_table is not None
    by_name = {c.name: c for c in child.columns}
    mandatory = all(by_name[c].not_null for c in fk.columns if c in by_name)
    unique = any(sorted(fk.columns) == sorted(s) for s in child.unique_column_sets())
    parent_end = "||" if mandatory else "|o"
    child_end = "o|" if unique else "o{"
    label = ", ".join(fk.columns)
    return (
        f'    {short_name(fk.referenced_table)} {parent_end}--{child_end} {child.short} : "{label}"'
    )


def area_diagram(area: AreaDoc, reference: Reference) -> str:
    """The area's tables with their columns; tables of other areas they reference or that
    reference them appear by name."""
    own = {t.name for t in area.tables}
    tables = reference.tables()
    lines = ["erDiagram"]
    for table in area.tables:
        lines += _entity(table, keys_only=False)
    relationships: list[str] = []
    outside: set[str] = set()
    for table in tables.values():
        for fk in table.foreign_keys():
            if fk.referenced_table is None:
                continue
            if table.name in own or fk.referenced_table in own:
                relationships.append(_relationship(table, fk))
                outside.update(n for n in (table.name, fk.referenced_table) if n not in own)
    for name in sorted(outside):
        if name in tables:
            lines += _entity(tables[name], keys_only=True)
    lines += sorted(set(relationships))
    return "\n".join(lines)


def overall_diagram(reference: Reference) -> str:
    """Every table (its keys only) and every foreign key."""
    lines = ["erDiagram"]
    relationships: list[str] = []
    for area in reference.areas:
        for table in area.tables:
            lines += _entity(table, keys_only=True)
            relationships += [
                _relationship(table, fk) for fk in table.foreign_keys() if fk.referenced_table
            ]
    lines += sorted(set(relationships))
    return "\n".join(lines)
