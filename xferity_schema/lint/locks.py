"""Layer 2b, set-aware migration safety: what squawk misses or gets wrong, judged with the set.

The forward migrations of a set are replayed in order (replay.Timeline), so each statement is
judged against what earlier statements built: a table created earlier in the same migration is
new (nobody reads it yet, any lock on it is harmless), one created in an earlier migration is
live. That replay adds our own findings (statements that take an exclusive lock or rewrite a
live table, which squawk has no rule for) and withdraws squawk findings the set proves wrong
(a widened varchar, SET NOT NULL proven by a validated CHECK, an index on a materialized view
created in the same migration, advice PostgreSQL 13 cannot follow).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pglast import ast, enums

from xferity_schema.lint.findings import Finding
from xferity_schema.lint.replay import Timeline, type_text
from xferity_schema.lint.sources import SqlFile
from xferity_schema.lint.syntax import (
    ParsedSql,
    Statement,
    def_elem,
    dotted_name,
    parse,
    text_of,
    walk,
)

AlterTableType = enums.AlterTableType
ConstrType = enums.ConstrType
SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"})
SHARE_LOCK = 5  # LOCK TABLE modes from SHARE (5) to ACCESS EXCLUSIVE (8) block writes
LOCK_MODES = {5: "SHARE", 6: "SHARE ROW EXCLUSIVE", 7: "EXCLUSIVE", 8: "ACCESS EXCLUSIVE"}
# squawk's preference rules are conventions (still errors, reported by the rules layer), not
# statements that lock a live table or break a running worker.
CONVENTION_RULES = frozenset(
    {
        "prefer-text-field",
        "ban-char-field",
        "prefer-timestamp-tz",
        "prefer-identity",
        "prefer-robust-stmts",
        "require-enum-value-ordering",
    }
)
# PostgreSQL 13 has no DETACH PARTITION ... CONCURRENTLY (14+): never advise it.
ALWAYS_WITHDRAWN = frozenset({"require-concurrent-partition-detach"})
REWRITE = "rewrites the whole table under an ACCESS EXCLUSIVE lock (no reads or writes until done)"


@dataclass
class Verdicts:
    """Our findings, and the squawk findings to withdraw: by (path, rule), the line spans of
    the statements they are withdrawn from."""

    findings: list[Finding] = field(default_factory=list)
    withdrawn: dict[tuple[Path, str], list[tuple[int, int]]] = field(default_factory=dict)

    def withdraw(self, path: Path, rule: str, first: int, last: int) -> None:
        self.withdrawn.setdefault((path, rule), []).append((first, last))

    def merge(self, other: Verdicts) -> None:
        self.findings += other.findings
        for key, spans in other.withdrawn.items():
            self.withdrawn.setdefault(key, []).extend(spans)

    def keeps(self, finding: Finding) -> bool:
        if finding.rule in ALWAYS_WITHDRAWN:
            return False
        spans = self.withdrawn.get((finding.path, finding.rule), ())
        return not any(first <= finding.line <= last for first, last in spans)


def check(members: Sequence[tuple[SqlFile, ParsedSql]], asked: set[Path]) -> Verdicts:
    """Replay one migration set (forward migrations in apply order); judge the files asked."""
    timeline = Timeline()
    verdicts = Verdicts()
    for file, parsed in members:
        judged = file.path in asked
        added_values: dict[str, str] = {}  # enum label -> type, added by this migration
        if judged:
            _recreated_functions(file, parsed, verdicts)
        for statement in parsed.statements:
            if judged:
                _judge(file, parsed, statement, timeline, added_values, verdicts)
            if isinstance(statement.node, ast.AlterEnumStmt) and statement.node.newVal:
                type_name = (dotted_name(statement.node.typeName) or [""])[-1].lower()
                if file.transactional and timeline.enums.get(type_name) != file.path:
                    added_values[statement.node.newVal] = type_name
            timeline.apply(statement.node, file.path)
    return verdicts


def _recreated_functions(file: SqlFile, parsed: ParsedSql, verdicts: Verdicts) -> None:
    """DROP FUNCTION followed by CREATE FUNCTION of the same name in one migration replaces
    it atomically (a signature change): no worker ever sees it missing."""
    created: set[str] = set()
    for statement in reversed(parsed.statements):
        node = statement.node
        if isinstance(node, ast.CreateFunctionStmt):
            created.add((dotted_name(node.funcname) or [""])[-1].lower())
        elif isinstance(node, ast.DropStmt) and file.transactional:
            names = [
                (dotted_name(o.objname) or [""])[-1].lower()
                for o in node.objects or ()
                if isinstance(o, ast.ObjectWithArgs)
            ]
            if names and all(n in created for n in names):
                first, _ = parsed.position(statement.location)
                last, _ = parsed.position(statement.location + max(len(statement.text) - 1, 0))
                verdicts.withdraw(file.path, "ban-drop-function", first, last)


# Advice squawk leaves out, in the form PostgreSQL 13 accepts.
MORE_ADVICE = {
    "require-concurrent-index-creation": "CREATE INDEX CONCURRENTLY must be alone in a "
    "`-- transactional: false` migration.",
    "require-concurrent-reindex": "REINDEX CONCURRENTLY must be alone in a "
    "`-- transactional: false` migration.",
    "adding-not-nullable-field": "For SET NOT NULL on a live table: ADD CONSTRAINT ... CHECK "
    "(column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, then SET NOT "
    "NULL (the validated CHECK spares the scan).",
}


def filter_squawk(found: list[Finding], verdicts: Verdicts) -> list[Finding]:
    """squawk's findings minus the withdrawn ones; convention rules move to the rules layer."""
    kept = []
    for finding in found:
        if not verdicts.keeps(finding):
            continue
        if finding.rule in MORE_ADVICE:
            finding = replace(finding, message=f"{finding.message} {MORE_ADVICE[finding.rule]}")
        if finding.rule in CONVENTION_RULES:
            finding = replace(finding, layer="rules")
        kept.append(finding)
    return kept


def _judge(
    file: SqlFile,
    parsed: ParsedSql,
    statement: Statement,
    timeline: Timeline,
    added_values: dict[str, str],
    verdicts: Verdicts,
) -> None:
    first, _ = parsed.position(statement.location)
    last, _ = parsed.position(statement.location + max(len(statement.text) - 1, 0))
    for rule, message in _own_rules(statement.node, file.path, timeline, added_values):
        verdicts.findings.append(Finding(file.path, first, 1, rule, "error", message, "safety"))
    for rule in _withdrawn(statement.node, file.path, timeline):
        verdicts.withdraw(file.path, rule, first, last)


def _live(timeline: Timeline, relation: ast.RangeVar | None, path: Path) -> bool:
    """A relation that already exists when this migration runs (not created by it)."""
    if relation is None:
        return True
    return relation.relpersistence != "t" and not timeline.created_in(relation.relname, path)


def _own_rules(
    node: ast.Node, path: Path, timeline: Timeline, added_values: dict[str, str]
) -> Iterator[tuple[str, str]]:
    if isinstance(node, ast.LockStmt):
        mode = int(node.mode or 8)
        if mode >= SHARE_LOCK and any(_live(timeline, r, path) for r in node.relations or ()):
            yield (
                "lock-table",
                f"LOCK TABLE ... IN {LOCK_MODES.get(mode, 'ACCESS EXCLUSIVE')} MODE blocks "
                "every write (ACCESS EXCLUSIVE: every read too) until the migration commits; "
                "let each statement take the lock it needs, with a lock_timeout",
            )
    elif isinstance(node, ast.ClusterStmt):
        if _live(timeline, node.relation, path):
            yield (
                "table-rewrite",
                f"CLUSTER {REWRITE}; use pg_repack, or leave it to a maintenance window",
            )
    elif isinstance(node, ast.VacuumStmt) and node.is_vacuumcmd and _vacuum_full(node):
        if not node.rels or any(
            isinstance(r, ast.VacuumRelation) and _live(timeline, r.relation, path)
            for r in node.rels
        ):
            yield "table-rewrite", f"VACUUM FULL {REWRITE}; plain VACUUM (or pg_repack) instead"
    elif isinstance(node, ast.RefreshMatViewStmt) and not node.concurrent:
        if _live(timeline, node.relation, path) and node.skipData:
            yield (
                "refresh-materialized-view",
                "REFRESH MATERIALIZED VIEW ... WITH NO DATA empties a live view: every reader "
                "fails (not populated) until the next refresh",
            )
        elif _live(timeline, node.relation, path):
            yield (
                "refresh-materialized-view",
                "REFRESH MATERIALIZED VIEW without CONCURRENTLY locks the view against reads "
                "until it is rebuilt: REFRESH ... CONCURRENTLY (needs a unique index on the view)",
            )
    elif isinstance(node, ast.TruncateStmt):
        if any(_live(timeline, r, path) for r in node.relations or ()):
            yield (
                "lock-table",
                "TRUNCATE takes an ACCESS EXCLUSIVE lock (it waits for every reader, and every "
                "query waits for it) and empties a table running workers use",
            )
    elif isinstance(node, ast.AlterTableMoveAllStmt):
        yield (
            "table-rewrite",
            f"ALTER ... ALL IN TABLESPACE moves (rewrites) every relation: it {REWRITE}",
        )
    elif isinstance(node, ast.AlterTableStmt):
        yield from _alter_table(node, path, timeline)
    if added_values:
        yield from _new_enum_value_used(node, added_values, timeline)


def _alter_table(
    node: ast.AlterTableStmt, path: Path, timeline: Timeline
) -> Iterator[tuple[str, str]]:
    if not _live(timeline, node.relation, path):
        return
    name = node.relation.relname if node.relation else "?"
    for command in node.cmds or ():
        if not isinstance(command, ast.AlterTableCmd):
            continue
        subtype = command.subtype
        if subtype in (AlterTableType.AT_SetLogged, AlterTableType.AT_SetUnLogged):
            how = "LOGGED" if subtype == AlterTableType.AT_SetLogged else "UNLOGGED"
            yield "table-rewrite", f"SET {how} on {name} {REWRITE}"
        elif subtype == AlterTableType.AT_SetTableSpace:
            yield (
                "table-rewrite",
                f"SET TABLESPACE on {name} copies it whole under an ACCESS EXCLUSIVE lock",
            )
        elif subtype == AlterTableType.AT_SetAccessMethod:
            yield "table-rewrite", f"SET ACCESS METHOD on {name} {REWRITE}"
        elif subtype == AlterTableType.AT_AddColumn and isinstance(command.def_, ast.ColumnDef):
            yield from _added_column(name or "?", command.def_)
        elif subtype == AlterTableType.AT_AddConstraint and isinstance(
            command.def_, ast.Constraint
        ):
            constraint = command.def_
            if constraint.contype == ConstrType.CONSTR_EXCLUSION:
                yield (
                    "exclusion-constraint",
                    f"adding an EXCLUDE constraint to {name} builds its index under an ACCESS "
                    "EXCLUSIVE lock, and PostgreSQL has no NOT VALID or concurrent form for it: "
                    "create the table with it, or add it in a maintenance window",
                )


def _added_column(table: str, column: ast.ColumnDef) -> Iterator[tuple[str, str]]:
    kind = type_text(column.typeName)
    if kind in SERIAL_TYPES:
        yield (
            "table-rewrite",
            f"adding a {kind} column to {table} fills every existing row from a sequence: it "
            f"{REWRITE}. Add a nullable bigint column, backfill in batches, then set the default",
        )
    for constraint in column.constraints or ():
        if isinstance(constraint, ast.Constraint) and constraint.contype == ConstrType.CONSTR_CHECK:
            yield (
                "add-column-check",
                f"an inline CHECK on the added column {table}.{column.colname} is checked "
                "against every row under the ACCESS EXCLUSIVE lock: add the column, then "
                "ADD CONSTRAINT ... CHECK (...) NOT VALID and VALIDATE it in a later migration",
            )
            return


def _new_enum_value_used(
    node: ast.Node, added: dict[str, str], timeline: Timeline
) -> Iterator[tuple[str, str]]:
    """A label added by this transaction, written where PostgreSQL reads it as that enum: a
    cast to the type, or a literal in a statement that names a column of the type (SET DEFAULT,
    UPDATE ... SET, WHERE, an index predicate). LANGUAGE sql bodies count: they are analysed
    when created; PL/pgSQL bodies are not."""
    if isinstance(node, ast.AlterEnumStmt):
        return
    trees: list[object] = [node]
    trees += [parse(q).statements for q in _sql_bodies(node)]
    literals: set[str] = set()
    columns: set[str] = set()
    for item in walk([t if not isinstance(t, tuple) else [s.node for s in t] for t in trees]):
        if isinstance(item, ast.TypeCast) and isinstance(item.arg, ast.A_Const):
            label = text_of(item.arg.val)
            type_name = type_text(item.typeName).rsplit(".", 1)[-1]
            if added.get(label) == type_name:
                yield _enum_finding(label, type_name)
                return
        elif isinstance(item, ast.A_Const) and isinstance(item.val, ast.String):
            literals.add(item.val.sval or "")
        elif isinstance(item, ast.ColumnRef):
            columns.update(n.lower() for n in dotted_name(item.fields)[-1:])
        elif isinstance(item, ast.ResTarget | ast.AlterTableCmd | ast.IndexElem) and item.name:
            columns.add(item.name.lower())
    enum_columns = timeline.columns_of_types(set(added.values()))
    for label in sorted(literals & set(added)):
        if enum_columns.get(added[label], set()) & columns:
            yield _enum_finding(label, added[label])
            return


def _enum_finding(label: str, type_name: str) -> tuple[str, str]:
    return (
        "enum-value-same-transaction",
        f"enum value {label!r} of {type_name} is used in the transaction that added it: "
        "PostgreSQL refuses that (unsafe use of new value) until the ALTER TYPE ... ADD VALUE "
        "has committed; move its use to a later migration",
    )


def _sql_bodies(node: ast.Node) -> list[str]:
    if not isinstance(node, ast.CreateFunctionStmt):
        return []
    language = def_elem(node.options, "language")
    body = def_elem(node.options, "as")
    if text_of(language.arg if language else None).lower() != "sql" or body is None:
        return []
    value = body.arg[0] if isinstance(body.arg, tuple) and body.arg else body.arg
    return [text_of(value)]


def _vacuum_full(node: ast.VacuumStmt) -> bool:
    option = def_elem(node.options, "full")
    if option is None:
        return False
    return not (isinstance(option.arg, ast.Boolean) and not option.arg.boolval)


# --- squawk findings the set proves wrong ------------------------------------------------------


def _withdrawn(node: ast.Node, path: Path, timeline: Timeline) -> Iterator[str]:
    if isinstance(node, ast.IndexStmt) and not _live(timeline, node.relation, path):
        yield "require-concurrent-index-creation"
    if isinstance(node, ast.RenameStmt) and node.renameType == enums.ObjectType.OBJECT_INDEX:
        yield "renaming-object"  # clients never name an index: renaming one breaks nobody
    if isinstance(node, ast.AlterTableStmt):
        yield from _withdrawn_alter(node, path, timeline)


def _withdrawn_alter(node: ast.AlterTableStmt, path: Path, timeline: Timeline) -> Iterator[str]:
    commands = [c for c in node.cmds or () if isinstance(c, ast.AlterTableCmd)]
    table = node.relation.relname if node.relation else None
    constraints = [
        c.def_
        for c in commands
        if c.subtype == AlterTableType.AT_AddConstraint and isinstance(c.def_, ast.Constraint)
    ]
    # NOT VALID exists only for CHECK and FOREIGN KEY constraints: UNIQUE, PRIMARY KEY and
    # EXCLUDE have their own findings (disallowed-unique-constraint, ...) with advice that works.
    if constraints and all(
        c.contype
        in (ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_EXCLUSION)
        for c in constraints
    ):
        yield "constraint-missing-not-valid"
    if any(c.contype == ConstrType.CONSTR_EXCLUSION for c in constraints):
        yield "constraint-missing-not-valid"
    type_changes = [c for c in commands if c.subtype == AlterTableType.AT_AlterColumnType]
    if type_changes and all(
        isinstance(c.def_, ast.ColumnDef)
        and c.def_.raw_default is None  # no USING
        and _binary_compatible(timeline.column_type(table, c.name), type_text(c.def_.typeName))
        for c in type_changes
    ):
        yield "changing-column-type"
        yield "prefer-text-field"
    not_nulls = [c for c in commands if c.subtype == AlterTableType.AT_SetNotNull]
    if (
        not_nulls
        and len(not_nulls) == len(commands)
        and all(
            ((table or "").lower(), (c.name or "").lower()) in timeline.proven_not_null
            for c in not_nulls
        )
    ):
        yield "adding-not-nullable-field"


def _binary_compatible(old: str | None, new: str) -> bool:
    """Whether ALTER COLUMN TYPE old -> new keeps every stored value as is (no rewrite, no
    scan): widening a varchar or numeric, varchar <-> text."""
    if old is None:
        # A column the set does not declare (the schema predates it): give a change to text or
        # an unbounded varchar the benefit of the doubt, the usual widening.
        return new in ("text", "varchar")
    old_base, old_mod = _split(old)
    new_base, new_mod = _split(new)
    if old_base in ("varchar", "text") and new_base == "text":
        return True
    if old_base in ("varchar", "text") and new_base == "varchar":
        if new_mod is None:
            return True
        return old_base == "varchar" and old_mod is not None and new_mod[0] >= old_mod[0]
    if old_base == new_base == "numeric" and old_mod and new_mod:
        scale_old = old_mod[1] if len(old_mod) > 1 else 0
        scale_new = new_mod[1] if len(new_mod) > 1 else 0
        return scale_old == scale_new and new_mod[0] >= old_mod[0]
    if old_base == new_base == "numeric" and new_mod is None:
        return True
    if old_base == new_base in ("varbit", "bit varying") and old_mod and new_mod:
        return new_mod[0] >= old_mod[0]
    return old_base == "cidr" and new_base == "inet"


def _split(text: str) -> tuple[str, tuple[int, ...] | None]:
    if text.endswith("[]"):
        return text, None
    base, _, mods = text.partition("(")
    if not mods:
        return base, None
    return base, tuple(int(m) for m in mods.rstrip(")").split(",") if m.strip().isdigit())
