"""The reference docs' view of a fresh install: the snapshot's objects grouped by feature area,
with each table's columns, constraints, indexes, triggers and who may read or write it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xferity_schema.compare.snapshot import Attributes, SchemaSnapshot, Value
from xferity_schema.core.contract import RUNTIME_ROLE_KINDS
from xferity_schema.reference.areas import AREAS, RUNNER, Area, AreaMissing, area_of_migration
from xferity_schema.reference.install import FreshInstall
from xferity_schema.reference.layout import unqualified_view_query

READ_PRIVILEGES = ("SELECT",)
WRITE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
OWNER = "<owner role>"
_ROLE_ALIAS = re.compile(r"^<(\w+) role>$")
_ON_ACTION = re.compile(r"\bON (DELETE|UPDATE) (CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION)")
_INDEX_HEAD = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (?P<rest>.*)$")


def role_label(grantee: str) -> str:
    """`<app role>` -> `app`: the role model's kinds, whatever a site names them."""
    found = _ROLE_ALIAS.match(grantee)
    return found.group(1) if found else grantee


def short_name(qualified: str) -> str:
    return qualified.split(".", 1)[1] if "." in qualified else qualified


def _text(value: Value) -> str:
    return value if isinstance(value, str) else ""


def _opt(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Value) -> list[str]:
    return list(value) if isinstance(value, list) else []


class _Described:
    """What every object on a page has: its snapshot name and attributes, a short name and its
    comment."""

    name: str
    attributes: Attributes

    @property
    def short(self) -> str:
        return short_name(self.name)

    @property
    def comment(self) -> str | None:
        return _opt(self.attributes.get("comment"))


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None  # the default, identity or generation expression, as SQL
    identity: str | None
    generated: str | None
    collation: str | None
    comment: str | None
    position: int


@dataclass(frozen=True)
class Constraint:
    name: str
    kind: str  # primary key, unique, foreign key, check, exclusion, constraint trigger
    definition: str
    columns: list[str]
    referenced_table: str | None
    referenced_columns: list[str]
    comment: str | None

    def on_action(self, event: str) -> str:
        for found_event, action in _ON_ACTION.findall(self.definition):
            if found_event == event:
                return str(action)
        return "NO ACTION"


@dataclass(frozen=True)
class Index:
    name: str
    definition: str
    unique: bool
    method_and_keys: str  # `btree (run_id, started_at) INCLUDE (...)`
    predicate: str | None
    backs_constraint: bool
    comment: str | None


@dataclass(frozen=True)
class Trigger:
    name: str
    definition: str
    enabled: str
    comment: str | None


@dataclass(frozen=True)
class Policy:
    name: str
    command: str
    permissive: bool
    roles: list[str]
    using: str | None
    check: str | None
    comment: str | None


@dataclass(frozen=True)
class Access:
    role: str
    read: str
    write: str


@dataclass
class Table(_Described):
    name: str
    attributes: Attributes
    columns: list[Column] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    access: list[Access] = field(default_factory=list)

    def primary_key(self) -> list[str]:
        for constraint in self.constraints:
            if constraint.kind == "primary key":
                return constraint.columns
        return []

    def foreign_keys(self) -> list[Constraint]:
        return [c for c in self.constraints if c.kind == "foreign key"]

    def unique_column_sets(self) -> list[list[str]]:
        return [c.columns for c in self.constraints if c.kind in ("primary key", "unique")]


@dataclass
class View(_Described):
    name: str
    attributes: Attributes
    definition: str  # normalised, in PostgreSQL 16+'s qualifier style: the same on every version
    columns: list[Column] = field(default_factory=list)
    access: list[Access] = field(default_factory=list)


@dataclass(frozen=True)
class Function(_Described):
    name: str  # xferity.claim_job(text, integer): name and identity arguments
    attributes: Attributes
    callers: list[str]  # role labels with EXECUTE, besides the owner

    @property
    def proname(self) -> str:
        return short_name(self.name).split("(", 1)[0]

    @property
    def kind(self) -> str:
        return _text(self.attributes.get("function_kind")) or "function"

    @property
    def arguments(self) -> str:
        return _text(self.attributes.get("arguments"))

    @property
    def result(self) -> str | None:
        return _opt(self.attributes.get("result"))

    @property
    def language(self) -> str:
        return _text(self.attributes.get("language"))

    @property
    def security_definer(self) -> bool:
        return self.attributes.get("security_definer") is True

    @property
    def definition(self) -> str:
        return _text(self.attributes.get("definition"))

    @property
    def body(self) -> str | None:
        return _opt(self.attributes.get("body"))

    def signature(self) -> str:
        qualified = self.name.split("(", 1)[0]
        returns = f" RETURNS {self.result}" if self.result and self.kind != "procedure" else ""
        return f"{qualified}({self.arguments}){returns}"


@dataclass(frozen=True)
class NamedObject(_Described):
    """A type, sequence or statistics object: shown by name, definition and comment."""

    kind: str
    name: str
    attributes: Attributes


@dataclass
class AreaDoc:
    area: Area
    migration_ids: list[str]
    tables: list[Table] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    others: list[NamedObject] = field(default_factory=list)

    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]


@dataclass(frozen=True)
class Reference:
    schema: str
    schema_comment: str | None
    areas: list[AreaDoc]
    migration_ids: tuple[str, ...]

    def tables(self) -> dict[str, Table]:
        return {t.name: t for a in self.areas for t in a.tables}

    def area_of_table(self) -> dict[str, AreaDoc]:
        return {t.name: a for a in self.areas for t in a.tables}


# Kinds placed by their own origin; the rest follow their table.
_OWN_AREA_KINDS = ("table", "view", "function", "type", "statistics")


def build_reference(install: FreshInstall, areas: tuple[Area, ...] = AREAS) -> Reference:
    """Every object of the snapshot in exactly one area, or AreaMissing naming the ones that
    have none."""
    snapshot = install.snapshot
    claimed = area_of_migration(areas)
    docs = {
        a.slug: AreaDoc(a, [m for m in (RUNNER, *install.migration_ids) if m in a.migrations])
        for a in areas
    }
    unclaimed: list[str] = []

    def area_for(kind: str, name: str) -> AreaDoc | None:
        origin = install.origins.get((kind, name), "")
        area = claimed.get(origin)
        if area is None:
            unclaimed.append(f"{kind} {name} (created by {origin or 'an unknown step'})")
            return None
        return docs[area.slug]

    table_area: dict[str, AreaDoc] = {}
    for name in snapshot.names("table"):
        doc = area_for("table", name)
        if doc is not None:
            table = _table(snapshot, name)
            doc.tables.append(table)
            table_area[name] = doc
    for name in snapshot.names("view"):
        doc = area_for("view", name)
        if doc is not None:
            doc.views.append(_view(snapshot, name))
    for name in snapshot.names("function"):
        doc = area_for("function", name)
        if doc is not None:
            attributes = snapshot.objects["function"][name]
            doc.functions.append(Function(name, attributes, _callers(attributes)))
    for kind in ("type", "statistics"):
        for name in snapshot.names(kind):
            doc = area_for(kind, name)
            if doc is not None:
                doc.others.append(NamedObject(kind, name, snapshot.objects[kind][name]))
    for name in snapshot.names("sequence"):
        attributes = snapshot.objects["sequence"][name]
        owned_by = _opt(attributes.get("owned_by"))
        if owned_by is not None and owned_by.rsplit(".", 1)[0] in table_area:
            continue  # an identity or serial column's: shown with the column
        doc = area_for("sequence", name)
        if doc is not None:
            doc.others.append(NamedObject("sequence", name, attributes))
    if unclaimed:
        raise AreaMissing(
            f"{len(unclaimed)} object(s) have no docs area: {'; '.join(unclaimed)}; add their "
            "migration to AREAS in xferity_schema/reference/areas.py"
        )
    schema_row = snapshot.objects.get("schema", {}).get(snapshot.schema, {})
    return Reference(
        snapshot.schema,
        _opt(schema_row.get("comment")),
        [docs[a.slug] for a in areas],
        install.migration_ids,
    )


def _children(snapshot: SchemaSnapshot, kind: str, parent: str) -> list[tuple[str, Attributes]]:
    prefix = parent + "."
    return [
        (name[len(prefix) :], snapshot.objects[kind][name])
        for name in snapshot.names(kind)
        if name.startswith(prefix) and "." not in name[len(prefix) :].replace('"', "")
    ]


def _columns(snapshot: SchemaSnapshot, relation: str) -> list[Column]:
    columns = [
        Column(
            name=name,
            type=_text(a.get("type")),
            not_null=a.get("not_null") is True,
            default=_opt(a.get("default_expr")),
            identity=_opt(a.get("identity")),
            generated=_opt(a.get("generated")),
            collation=_opt(a.get("collation")),
            comment=_opt(a.get("comment")),
            position=int(_text(a.get("position")) or 0),
        )
        for name, a in _children(snapshot, "column", relation)
    ]
    return sorted(columns, key=lambda c: (c.position, c.name))


def _table(snapshot: SchemaSnapshot, name: str) -> Table:
    table = Table(name, snapshot.objects["table"][name], columns=_columns(snapshot, name))
    for cname, a in _children(snapshot, "constraint", name):
        table.constraints.append(
            Constraint(
                name=cname,
                kind=_text(a.get("constraint_type")),
                definition=_text(a.get("definition")),
                columns=_list(a.get("columns")),
                referenced_table=_opt(a.get("referenced_table")),
                referenced_columns=_list(a.get("referenced_columns")),
                comment=_opt(a.get("comment")),
            )
        )
    backing = {
        c.name for c in table.constraints if c.kind in ("primary key", "unique", "exclusion")
    }
    for iname in snapshot.names("index"):
        a = snapshot.objects["index"][iname]
        if a.get("table_name") != name:
            continue
        definition = _text(a.get("definition"))
        head = _INDEX_HEAD.match(definition)
        rest = head.group("rest") if head else definition
        keys, _, predicate = rest.partition(" WHERE ")
        table.indexes.append(
            Index(
                name=short_name(iname),
                definition=definition,
                unique=bool(head and head.group(1)),
                method_and_keys=keys.removeprefix("USING "),
                predicate=predicate or None,
                backs_constraint=short_name(iname) in backing,
                comment=_opt(a.get("comment")),
            )
        )
    for tname, a in _children(snapshot, "trigger", name):
        table.triggers.append(
            Trigger(
                tname, _text(a.get("definition")), _text(a.get("enabled")), _opt(a.get("comment"))
            )
        )
    for pname, a in _children(snapshot, "policy", name):
        table.policies.append(
            Policy(
                pname,
                _text(a.get("command")),
                a.get("permissive") is True,
                [role_label(r) for r in _list(a.get("roles"))],
                _opt(a.get("using_expr")),
                _opt(a.get("check_expr")),
                _opt(a.get("comment")),
            )
        )
    table.access = _access(snapshot, name, table.attributes, table.columns)
    return table


def _view(snapshot: SchemaSnapshot, name: str) -> View:
    attributes = snapshot.objects["view"][name]
    columns = _columns(snapshot, name)
    view = View(
        name,
        attributes,
        unqualified_view_query(_text(attributes.get("definition"))),
        columns=columns,
    )
    view.access = _access(snapshot, name, attributes, columns)
    return view


def _grants(attributes: Attributes) -> dict[str, set[str]]:
    """grantee -> privileges (WITH GRANT OPTION dropped: the docs say who may, not who may pass
    it on)."""
    found: dict[str, set[str]] = {}
    for text in _list(attributes.get("grants")):
        grantee, _, privilege = text.partition(": ")
        found.setdefault(grantee, set()).add(privilege.removesuffix(" WITH GRANT OPTION"))
    return found


def _access(
    snapshot: SchemaSnapshot, relation: str, attributes: Attributes, columns: list[Column]
) -> list[Access]:
    """For each runtime role (and any other grantee but the owner): what it may read, write."""
    whole = _grants(attributes)
    by_column: dict[str, dict[str, set[str]]] = {}
    for column in columns:
        column_attributes = snapshot.objects["column"].get(f"{relation}.{column.name}", {})
        for grantee, privileges in _grants(column_attributes).items():
            for privilege in privileges:
                by_column.setdefault(grantee, {}).setdefault(privilege, set()).add(column.name)
    grantees = [f"<{kind} role>" for kind in RUNTIME_ROLE_KINDS]
    grantees += sorted((set(whole) | set(by_column)) - set(grantees) - {OWNER})
    names = [c.name for c in columns]

    def describe(grantee: str, privileges: tuple[str, ...]) -> str:
        parts = [p for p in privileges if p in whole.get(grantee, set())]
        for privilege in privileges:
            granted = by_column.get(grantee, {}).get(privilege, set())
            if granted and privilege not in parts:
                withheld = [n for n in names if n not in granted]
                listed = ", ".join(f"`{n}`" for n in withheld)
                parts.append(f"{privilege} (all columns but {listed})")
        return ", ".join(parts) or "—"

    return [
        Access(role_label(g), describe(g, READ_PRIVILEGES), describe(g, WRITE_PRIVILEGES))
        for g in grantees
    ]


def _callers(attributes: Attributes) -> list[str]:
    return sorted(
        role_label(grantee)
        for grantee, privileges in _grants(attributes).items()
        if grantee != OWNER and "EXECUTE" in privileges
    )
