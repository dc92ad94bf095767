"""A snapshot of one schema's definition, read from pg_catalog and normalised.

Two schemas built by the same migrations must compare equal whatever the order their objects
were created in and whichever PostgreSQL (14 to 18) they live on. So:
- every object is keyed by kind and name (`column xferity.jobs.priority`), never by oid or
  attnum, and lists are sorted unless their order means something (enum labels);
- definitions come from pg_get_*def() under search_path = pg_catalog, with whitespace collapsed;
- version noise is left out: PostgreSQL 18's NOT NULL constraint rows (nullness is compared on
  the column), trigger clones on partitions (15+), the MAINTAIN privilege owners get on 17+,
  extension versions;
- the role that owns the schema is shown as `<schema owner>`, so databases migrated by
  differently named roles compare equal; every other role is compared by name;
- data is never read: sequence values and the tracking tables' rows are not part of a schema;
- a few attributes are read for the reference docs only and never compared
  (UNCOMPARED_ATTRIBUTES: column positions, function bodies as written).

The queries are in queries/snapshot.sql.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from psycopg.rows import dict_row

from xferity_schema.core.contract import SCHEMA
from xferity_schema.core.db import Connection
from xferity_schema.core.queries import QueryFile

QUERIES = QueryFile(__package__, "snapshot.sql")
SCHEMA_OWNER_ALIAS = "<schema owner>"

Value = str | bool | list[str] | None
Attributes = dict[str, Value]

# Each query returns `kind`, `name` and the object's attributes.
OBJECT_QUERIES = (
    "schema",
    "extensions",
    "types",
    "tables",
    "columns",
    "constraints",
    "indexes",
    "sequences",
    "views",
    "functions",
    "triggers",
    "policies",
    "statistics",
)
# Kinds in the order a report lists them; a child kind's name starts with its table's name.
KINDS = (
    "schema",
    "extension",
    "type",
    "table",
    "column",
    "constraint",
    "index",
    "sequence",
    "view",
    "function",
    "trigger",
    "policy",
    "statistics",
    "default privileges",
)
CHILD_KINDS = frozenset({"column", "constraint", "trigger", "policy"})
GRANTABLE_KINDS = frozenset({"schema", "table", "column", "sequence", "view", "function", "type"})
# Deparsed SQL whose layout (line breaks, indentation) differs between server versions.
DEFINITION_ATTRIBUTES = frozenset({"definition", "default_expr", "using_expr", "check_expr"})
# Read for the reference docs (`xferity-schema docs`), never compared: a column's position
# depends on history (the same columns in another order compare equal), and a function's body
# as written is compared, layout aside, through its `definition`.
UNCOMPARED_ATTRIBUTES = frozenset({"position", "body"})
# Privileges a later server version gives owners implicitly (PostgreSQL 17: MAINTAIN).
VERSION_DEPENDENT_OWNER_PRIVILEGES = frozenset({"MAINTAIN"})

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SchemaSnapshot:
    """Every object of one schema: kind -> name -> attributes."""

    schema: str
    server_version: str  # informational: never compared
    objects: dict[str, dict[str, Attributes]]

    def names(self, kind: str) -> list[str]:
        return sorted(self.objects.get(kind, {}))

    def count(self) -> int:
        return sum(len(named) for named in self.objects.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "server_version": self.server_version,
            "objects": {
                kind: {name: dict(self.objects[kind][name]) for name in self.names(kind)}
                for kind in sorted(self.objects, key=_kind_order)
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SchemaSnapshot:
        return cls(
            schema=str(data["schema"]),
            server_version=str(data["server_version"]),
            objects={
                str(kind): {str(name): dict(attrs) for name, attrs in named.items()}
                for kind, named in data["objects"].items()
            },
        )


def snapshot_schema(
    conn: Connection,
    schema: str = SCHEMA,
    *,
    alias_schema_owner: bool = True,
    role_aliases: Mapping[str, str] | None = None,
) -> SchemaSnapshot:
    """Read the schema's definition in one transaction (nothing is written).

    `role_aliases` renames roles (e.g. the role model's, {"xferity_app": "<app role>"}) so that
    databases whose roles have other names compare equal; the schema's owner becomes
    `<schema owner>` unless `role_aliases` names it."""
    params = {"schema": schema}
    objects: dict[str, dict[str, Attributes]] = {}
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(QUERIES["begin_snapshot"])
        for query in OBJECT_QUERIES:
            cur.execute(QUERIES[query], params)
            for row in cur.fetchall():
                kind, name = str(row.pop("kind")), str(row.pop("name"))
                attributes = {key: _normalise(key, value) for key, value in row.items()}
                if kind in GRANTABLE_KINDS:
                    attributes["grants"] = []
                objects.setdefault(kind, {})[name] = attributes
        cur.execute(QUERIES["grants"], params)
        _add_grants(objects, cur.fetchall())
        cur.execute(QUERIES["default_privileges"], params)
        _add_default_privileges(objects, cur.fetchall())
    schema_row = objects.get("schema", {}).get(_quote_free(schema))
    owner = schema_row.get("owner") if schema_row else None
    aliases = dict(role_aliases or {})
    if alias_schema_owner and isinstance(owner, str) and owner not in aliases:
        aliases[owner] = SCHEMA_OWNER_ALIAS
    if aliases:
        objects = _alias_roles(objects, aliases)
    return SchemaSnapshot(
        schema=schema,
        server_version=conn.info.parameter_status("server_version") or "",
        objects=objects,
    )


def normalise_definition(text: str) -> str:
    """Deparsed SQL with its layout removed: whitespace runs become one space."""
    return _WHITESPACE.sub(" ", text).strip()


def _normalise(key: str, value: Any) -> Value:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, list):
        return [str(item) for item in value]
    text = str(value)
    return normalise_definition(text) if key in DEFINITION_ATTRIBUTES else text


def _grant_text(row: Mapping[str, Any]) -> str | None:
    privilege = str(row["privilege_type"])
    if row["grantee_is_owner"] and privilege in VERSION_DEPENDENT_OWNER_PRIVILEGES:
        return None
    suffix = " WITH GRANT OPTION" if row["is_grantable"] else ""
    return f"{row['grantee']}: {privilege}{suffix}"


def _add_grants(
    objects: dict[str, dict[str, Attributes]], rows: Iterable[Mapping[str, Any]]
) -> None:
    for row in rows:
        target = objects.get(str(row["kind"]), {}).get(str(row["name"]))
        text = _grant_text(row)
        if target is None or text is None:
            continue  # an extension member, or version noise
        grants = target["grants"]
        assert isinstance(grants, list)
        grants.append(text)
    for named in objects.values():
        for attributes in named.values():
            grants = attributes.get("grants")
            if isinstance(grants, list):
                grants.sort()


def _add_default_privileges(
    objects: dict[str, dict[str, Attributes]], rows: Iterable[Mapping[str, Any]]
) -> None:
    entries = objects.setdefault("default privileges", {})
    for row in rows:
        scope = f" in schema {row['in_schema']}" if row["in_schema"] else ""
        name = f"for role {row['for_role']}{scope} on {row['object_type']}"
        entry = entries.setdefault(name, {"for_role": str(row["for_role"]), "grants": []})
        text = _grant_text(row) if row["grantee"] is not None else None
        grants = entry["grants"]
        assert isinstance(grants, list)
        if text is not None:
            grants.append(text)
    for entry in entries.values():
        grants = entry["grants"]
        assert isinstance(grants, list)
        grants.sort()
    if not entries:
        del objects["default privileges"]


def _alias_roles(
    objects: dict[str, dict[str, Attributes]], aliases: Mapping[str, str]
) -> dict[str, dict[str, Attributes]]:
    """Rename roles wherever a role name appears: owners, grantees, policy roles, and the role
    of default-privilege entries (part of their name)."""

    def rename(role: str) -> str:
        return aliases.get(role, role)

    def rename_grant(text: str) -> str:
        grantee, separator, privilege = text.partition(": ")
        return rename(grantee) + separator + privilege

    renamed: dict[str, dict[str, Attributes]] = {}
    for kind, named in objects.items():
        renamed[kind] = {}
        for name, attributes in named.items():
            new_attributes: Attributes = {}
            for key, value in attributes.items():
                if key in ("owner", "for_role") and isinstance(value, str):
                    new_attributes[key] = rename(value)
                elif key == "grants" and isinstance(value, list):
                    new_attributes[key] = sorted(rename_grant(v) for v in value)
                elif key == "roles" and isinstance(value, list):
                    new_attributes[key] = sorted(rename(v) for v in value)
                else:
                    new_attributes[key] = value
            role = attributes.get("for_role")
            if kind == "default privileges" and isinstance(role, str) and role in aliases:
                name = name.replace(f"for role {role}", f"for role {aliases[role]}", 1)
            renamed[kind][name] = new_attributes
    return renamed


def _quote_free(schema: str) -> str:
    """The schema's key as quote_ident() prints it, for the lower-case names we use."""
    return schema if re.fullmatch(r"[a-z_][a-z0-9_]*", schema) else f'"{schema}"'


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)
