"""Rules over a whole migration set: every table, column, view and function gets a COMMENT, and
every table a primary key, somewhere in the set (a later migration may add them).

The statements are replayed in order over a small model of the schema: CREATE adds an object,
COMMENT ON marks it documented, ALTER ... ADD/RENAME/DROP and DROP keep the model current, so
what is left undocumented at the end is what the reference documentation would miss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pglast import ast, enums

from xferity_schema.lint.findings import Finding
from xferity_schema.lint.syntax import ParsedSql, dotted_name, node_location

ObjectType = enums.ObjectType
AlterTableType = enums.AlterTableType


@dataclass
class Declared:
    what: str  # "table xferity.jobs"
    path: Path
    line: int
    col: int
    commented: bool = False


@dataclass
class Table:
    declared: Declared
    has_primary_key: bool
    needs_primary_key: bool
    columns: dict[str, Declared] = field(default_factory=dict)


RelKey = tuple[str, str]  # (schema or "", name)
FuncKey = tuple[str, str, tuple[str, ...]]


@dataclass
class DeclaredObjects:
    tables: dict[RelKey, Table] = field(default_factory=dict)
    views: dict[RelKey, Declared] = field(default_factory=dict)
    functions: dict[FuncKey, Declared] = field(default_factory=dict)

    def findings(self) -> list[Finding]:
        found = []
        for table in self.tables.values():
            found += _undocumented([table.declared, *table.columns.values()])
            if table.needs_primary_key and not table.has_primary_key:
                d = table.declared
                found.append(
                    Finding(
                        d.path,
                        d.line,
                        d.col,
                        "primary-key",
                        "error",
                        f"{d.what} has no primary key (use bigint GENERATED ALWAYS "
                        "AS IDENTITY, or uuid DEFAULT gen_random_uuid())",
                    )
                )
        found += _undocumented([*self.views.values(), *self.functions.values()])
        return found


def _undocumented(items: Iterable[Declared]) -> list[Finding]:
    kind_of = {
        "table": "TABLE",
        "column": "COLUMN",
        "view": "VIEW",
        "function": "FUNCTION",
        "procedure": "PROCEDURE",
        "materialized": "MATERIALIZED VIEW",
    }
    return [
        Finding(
            d.path,
            d.line,
            d.col,
            "missing-comment",
            "error",
            f"{d.what} has no COMMENT ON {kind_of[d.what.split()[0]]}: the reference "
            "documentation is generated from comments",
        )
        for d in items
        if not d.commented
    ]


def check_set(files: Iterable[tuple[Path, ParsedSql]]) -> list[Finding]:
    """Replay a migration set (in apply order) and report what stays undocumented or keyless."""
    objects = DeclaredObjects()
    for path, parsed in files:
        for statement in parsed.statements:
            _replay(objects, statement.node, path, parsed, statement.location)
    return objects.findings()


def _replay(
    objects: DeclaredObjects, node: ast.Node, path: Path, parsed: ParsedSql, at: int
) -> None:
    def declared(what: str, where: ast.Node | None = None) -> Declared:
        line, col = parsed.position(node_location(where, at) if where is not None else at)
        return Declared(what, path, line, col)

    if isinstance(node, ast.CreateStmt):
        _create_table(objects, node, declared)
    elif isinstance(node, ast.CreateTableAsStmt):
        key = _rel_key(node.into.rel if node.into else None)
        if node.objtype == ObjectType.OBJECT_MATVIEW:
            objects.views.setdefault(key, declared(f"materialized view {_show(key)}"))
        elif key not in objects.tables:
            objects.tables[key] = Table(declared(f"table {_show(key)}"), False, True)
    elif isinstance(node, ast.ViewStmt):
        key = _rel_key(node.view)
        if key not in objects.views:
            objects.views[key] = declared(f"view {_show(key)}", node.view)
    elif isinstance(node, ast.CreateFunctionStmt):
        fkey = _func_key(node.funcname, _create_args(node))
        if fkey not in objects.functions:
            kind = "procedure" if node.is_procedure else "function"
            objects.functions[fkey] = declared(f"{kind} {_show(fkey[:2])}({', '.join(fkey[2])})")
    elif isinstance(node, ast.AlterTableStmt) and node.objtype == ObjectType.OBJECT_TABLE:
        _alter_table(objects, node, declared)
    elif isinstance(node, ast.CommentStmt):
        _comment(objects, node)
    elif isinstance(node, ast.RenameStmt):
        _rename(objects, node)
    elif isinstance(node, ast.DropStmt):
        _drop(objects, node)


def _create_table(objects: DeclaredObjects, node: ast.CreateStmt, declared: _Declare) -> None:
    relation = node.relation
    if relation is None or relation.relpersistence == "t" or node.partbound is not None:
        return  # temporary tables and partitions are not part of the documented schema
    key = _rel_key(relation)
    if key in objects.tables:
        return  # CREATE TABLE IF NOT EXISTS of a table the set already has
    inherits_keys = any(isinstance(e, ast.TableLikeClause) for e in node.tableElts or ())
    table = Table(declared(f"table {_show(key)}", relation), False, not inherits_keys)
    for element in node.tableElts or ():
        if isinstance(element, ast.ColumnDef) and element.colname:
            table.columns[element.colname] = declared(
                f"column {_show(key)}.{element.colname}", element
            )
            if _has_primary_key(element.constraints):
                table.has_primary_key = True
        elif isinstance(element, ast.Constraint) and _has_primary_key((element,)):
            table.has_primary_key = True
    objects.tables[key] = table


def _alter_table(objects: DeclaredObjects, node: ast.AlterTableStmt, declared: _Declare) -> None:
    table = objects.tables.get(_rel_key(node.relation))
    if table is None:
        return
    for command in node.cmds or ():
        if not isinstance(command, ast.AlterTableCmd):
            continue
        if command.subtype == AlterTableType.AT_AddColumn and isinstance(
            command.def_, ast.ColumnDef
        ):
            column = command.def_
            if column.colname and column.colname not in table.columns:
                table.columns[column.colname] = declared(
                    f"column {_show(_rel_key(node.relation))}.{column.colname}", column
                )
            if _has_primary_key(column.constraints):
                table.has_primary_key = True
        elif command.subtype == AlterTableType.AT_DropColumn and command.name:
            table.columns.pop(command.name, None)
        elif command.subtype == AlterTableType.AT_AddConstraint and _has_primary_key(
            (command.def_,)
        ):
            table.has_primary_key = True


def _comment(objects: DeclaredObjects, node: ast.CommentStmt) -> None:
    documented = bool(node.comment)  # COMMENT ... IS NULL or '' removes a comment
    target: Declared | None = None
    if node.objtype in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_FOREIGN_TABLE):
        table = objects.tables.get(_names_key(node.object))
        target = table.declared if table else None
    elif node.objtype in (ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW):
        target = objects.views.get(_names_key(node.object))
    elif node.objtype == ObjectType.OBJECT_COLUMN:
        names = dotted_name(node.object)
        table = objects.tables.get(_names_key(names[:-1])) if len(names) >= 2 else None
        target = table.columns.get(names[-1]) if table else None
    elif node.objtype in (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE):
        for declared in _matching_functions(objects, node.object):
            declared.commented = documented
    if target is not None:
        target.commented = documented


def _rename(objects: DeclaredObjects, node: ast.RenameStmt) -> None:
    new_name = node.newname or ""
    if node.relation is None or not new_name:
        return
    old = _rel_key(node.relation)
    if node.renameType == ObjectType.OBJECT_TABLE and old in objects.tables:
        objects.tables[(old[0], new_name)] = objects.tables.pop(old)
    elif node.renameType == ObjectType.OBJECT_VIEW and old in objects.views:
        objects.views[(old[0], new_name)] = objects.views.pop(old)
    elif node.renameType == ObjectType.OBJECT_COLUMN and old in objects.tables:
        columns = objects.tables[old].columns
        if node.subname in columns:
            columns[new_name] = columns.pop(node.subname)


def _drop(objects: DeclaredObjects, node: ast.DropStmt) -> None:
    for item in node.objects or ():
        if node.removeType in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_FOREIGN_TABLE):
            objects.tables.pop(_names_key(item), None)
        elif node.removeType in (ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW):
            objects.views.pop(_names_key(item), None)
        elif node.removeType in (ObjectType.OBJECT_FUNCTION, ObjectType.OBJECT_PROCEDURE):
            for key in [
                k for k, d in objects.functions.items() if d in _matching_functions(objects, item)
            ]:
                del objects.functions[key]


# --- keys --------------------------------------------------------------------------------------


class _Declare(Protocol):
    """The shape of `declared` in `_replay`: where an object was created."""

    def __call__(self, what: str, where: ast.Node | None = None) -> Declared: ...


def _rel_key(relation: ast.RangeVar | None) -> RelKey:
    if relation is None:
        return ("", "")
    return (relation.schemaname or "", relation.relname or "")


def _names_key(names: object) -> RelKey:
    parts = dotted_name(names) if not isinstance(names, list) else names
    if not parts:
        return ("", "")
    return (parts[0], parts[-1]) if len(parts) > 1 else ("", parts[0])


def _show(key: tuple[str, str]) -> str:
    return f"{key[0]}.{key[1]}" if key[0] else key[1]


def _type_name(type_name: ast.TypeName | None) -> str:
    if type_name is None:
        return "?"
    names = [n for n in dotted_name(type_name.names) if n != "pg_catalog"]
    return ".".join(names).lower() + "[]" * len(type_name.arrayBounds or ())


def _create_args(node: ast.CreateFunctionStmt) -> tuple[str, ...]:
    inputs = []
    for parameter in node.parameters or ():
        mode = parameter.mode
        if mode in (
            enums.FunctionParameterMode.FUNC_PARAM_OUT,
            enums.FunctionParameterMode.FUNC_PARAM_TABLE,
        ):
            continue
        inputs.append(_type_name(parameter.argType))
    return tuple(inputs)


def _func_key(funcname: object, args: tuple[str, ...]) -> FuncKey:
    schema, name = _names_key(funcname)
    return (schema, name, args)


def _matching_functions(objects: DeclaredObjects, target: object) -> list[Declared]:
    if not isinstance(target, ast.ObjectWithArgs):
        return []
    schema, name = _names_key(target.objname)
    if target.args_unspecified:
        return [d for k, d in objects.functions.items() if k[:2] == (schema, name)]
    args = tuple(_type_name(t) for t in target.objargs or ())
    found = objects.functions.get((schema, name, args))
    return [found] if found else []


def _has_primary_key(constraints: object) -> bool:
    return any(
        isinstance(c, ast.Constraint) and c.contype == enums.ConstrType.CONSTR_PRIMARY
        for c in (constraints if isinstance(constraints, tuple | list) else ())
    )


# --- the set's timeline, for the safety rules ----------------------------------------------------


@dataclass
class KnownTable:
    created_in: Path
    kind: str = "table"  # "table" or "matview"
    columns: dict[str, str] = field(default_factory=dict)  # name -> declared type, "varchar(20)"


@dataclass
class Timeline:
    """What the migrations replayed so far have built: which file created each table,
    materialized view, index and enum value, each column's declared type, and which columns a
    validated CHECK (col IS NOT NULL) already proves. Keys are unqualified lower-case names:
    Xferity keeps everything in one schema."""

    relations: dict[str, KnownTable] = field(default_factory=dict)
    indexes: dict[str, Path] = field(default_factory=dict)
    enums: dict[str, Path] = field(default_factory=dict)
    enum_values: dict[tuple[str, str], Path] = field(default_factory=dict)
    proven_not_null: set[tuple[str, str]] = field(default_factory=set)
    unvalidated_checks: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def created_in(self, name: str | None, path: Path) -> bool:
        """Whether the relation (or index) `name` was created by the file `path`."""
        key = (name or "").lower()
        table = self.relations.get(key)
        return (table is not None and table.created_in == path) or self.indexes.get(key) == path

    def column_type(self, table: str | None, column: str | None) -> str | None:
        known = self.relations.get((table or "").lower())
        return known.columns.get((column or "").lower()) if known else None

    def columns_of_types(self, type_names: set[str]) -> dict[str, set[str]]:
        """{type name: names of the columns declared with it} over every known table."""
        found: dict[str, set[str]] = {}
        for table in self.relations.values():
            for column, declared in table.columns.items():
                base = declared.removesuffix("[]").rsplit(".", 1)[-1]
                if base in type_names:
                    found.setdefault(base, set()).add(column)
        return found

    def apply(self, node: ast.Node, path: Path) -> None:
        if isinstance(node, ast.CreateStmt) and node.relation is not None:
            table = KnownTable(path)
            for element in node.tableElts or ():
                if isinstance(element, ast.ColumnDef) and element.colname:
                    table.columns[element.colname.lower()] = type_text(element.typeName)
            self.relations.setdefault((node.relation.relname or "").lower(), table)
            for element in node.tableElts or ():
                if isinstance(element, ast.Constraint):
                    self._constraint(node.relation.relname, element)
                elif isinstance(element, ast.ColumnDef):
                    for constraint in element.constraints or ():
                        if isinstance(constraint, ast.Constraint):
                            self._constraint(node.relation.relname, constraint)
        elif isinstance(node, ast.CreateTableAsStmt) and node.into and node.into.rel:
            kind = "matview" if node.objtype == ObjectType.OBJECT_MATVIEW else "table"
            self.relations[(node.into.rel.relname or "").lower()] = KnownTable(path, kind)
        elif isinstance(node, ast.IndexStmt) and node.idxname:
            self.indexes[node.idxname.lower()] = path
        elif isinstance(node, ast.CreateEnumStmt):
            name = (dotted_name(node.typeName) or [""])[-1].lower()
            self.enums[name] = path
            for value in node.vals or ():
                if isinstance(value, ast.String):
                    self.enum_values[(name, value.sval or "")] = path
        elif isinstance(node, ast.AlterEnumStmt) and node.newVal and not node.oldVal:
            name = (dotted_name(node.typeName) or [""])[-1].lower()
            self.enum_values.setdefault((name, node.newVal), path)
        elif isinstance(node, ast.AlterTableStmt) and node.relation is not None:
            self._alter(node, node.relation.relname or "")
        elif isinstance(node, ast.RenameStmt) and node.relation is not None and node.newname:
            self._rename(node)
        elif isinstance(node, ast.DropStmt):
            for item in node.objects or ():
                names = dotted_name(item) if isinstance(item, tuple | list) else []
                if names:
                    self.relations.pop(names[-1].lower(), None)

    def _alter(self, node: ast.AlterTableStmt, table_name: str) -> None:
        table = self.relations.get(table_name.lower())
        for command in node.cmds or ():
            if not isinstance(command, ast.AlterTableCmd):
                continue
            column = command.def_
            if command.subtype == AlterTableType.AT_AddColumn and isinstance(column, ast.ColumnDef):
                if table is not None and column.colname:
                    table.columns[column.colname.lower()] = type_text(column.typeName)
            elif command.subtype == AlterTableType.AT_AlterColumnType and isinstance(
                column, ast.ColumnDef
            ):
                if table is not None and command.name:
                    table.columns[command.name.lower()] = type_text(column.typeName)
            elif command.subtype == AlterTableType.AT_AddConstraint and isinstance(
                column, ast.Constraint
            ):
                self._constraint(table_name, column)
            elif command.subtype == AlterTableType.AT_ValidateConstraint and command.name:
                key = (table_name.lower(), command.name.lower())
                for proven in self.unvalidated_checks.pop(key, []):
                    self.proven_not_null.add((table_name.lower(), proven))
            elif command.subtype == AlterTableType.AT_DropColumn and table and command.name:
                table.columns.pop(command.name.lower(), None)

    def _constraint(self, table_name: str | None, constraint: ast.Constraint) -> None:
        if constraint.contype != enums.ConstrType.CONSTR_CHECK:
            return
        table = (table_name or "").lower()
        for column in _not_null_columns(constraint.raw_expr):
            if constraint.skip_validation:
                key = (table, (constraint.conname or "").lower())
                self.unvalidated_checks.setdefault(key, []).append(column)
            else:
                self.proven_not_null.add((table, column))

    def _rename(self, node: ast.RenameStmt) -> None:
        old = (node.relation.relname or "").lower() if node.relation else ""
        new = (node.newname or "").lower()
        if node.renameType in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_MATVIEW):
            if old in self.relations:
                self.relations[new] = self.relations.pop(old)
        elif node.renameType == ObjectType.OBJECT_COLUMN and old in self.relations:
            columns = self.relations[old].columns
            if (node.subname or "").lower() in columns:
                columns[new] = columns.pop((node.subname or "").lower())


def _not_null_columns(expr: object) -> list[str]:
    """Columns a CHECK expression proves NOT NULL: `col IS NOT NULL`, alone or ANDed."""
    if isinstance(expr, ast.BoolExpr) and expr.boolop == enums.BoolExprType.AND_EXPR:
        return [c for arg in expr.args or () for c in _not_null_columns(arg)]
    if (
        isinstance(expr, ast.NullTest)
        and expr.nulltesttype == enums.NullTestType.IS_NOT_NULL
        and isinstance(expr.arg, ast.ColumnRef)
    ):
        return [(dotted_name(expr.arg.fields) or [""])[-1].lower()]
    return []


def type_text(type_name: ast.TypeName | None) -> str:
    """A declared type as comparable text: `varchar(20)`, `text`, `int4[]`."""
    if type_name is None:
        return "?"
    names = [n for n in dotted_name(type_name.names) if n != "pg_catalog"]
    text = ".".join(names).lower()
    mods = [
        str(m.val.ival)
        for m in type_name.typmods or ()
        if isinstance(m, ast.A_Const) and isinstance(m.val, ast.Integer)
    ]
    if mods:
        text += f"({','.join(mods)})"
    return text + "[]" * len(type_name.arrayBounds or ())
