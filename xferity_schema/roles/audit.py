"""`grants --check`: every way a live database differs from the role model."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql
from psycopg.rows import class_row, dict_row

from xferity_schema.core.db import Connection
from xferity_schema.core.queries import QueryFile
from xferity_schema.roles.names import RoleNames
from xferity_schema.roles.script import model_query

QUERIES = QueryFile(__package__, "audit.sql")


@dataclass(frozen=True, order=True)
class Privilege:
    grantee: str
    object_type: str
    object_name: str
    column_name: str | None
    privilege: str

    def describe(self) -> str:
        target = f"{self.object_type} {self.object_name}"
        if self.column_name is not None:
            target = f"column {self.object_name}.{self.column_name}"
        return f"{self.privilege} on {target} for {self.grantee}"


@dataclass(frozen=True)
class AuditFinding:
    kind: str  # missing | excess | ownership | default privilege | security definer
    detail: str

    def line(self) -> str:
        return f"{self.kind}: {self.detail}"


def audit(conn: Connection, names: RoleNames) -> list[AuditFinding]:
    """Every way the live database differs from the role model."""
    literals = names.literals()
    findings = _findings(conn, "audit_roles", literals)
    schema_row = conn.execute(QUERIES["schema_exists"]).fetchone()
    if not (schema_row and schema_row[0]):
        findings.append(AuditFinding("missing", "schema xferity does not exist"))
        return findings

    with conn.cursor(row_factory=class_row(Privilege)) as cur:
        expected = set(cur.execute(model_query(names)).fetchall())
    role_names = sql.Literal([names.app, names.worker, names.readonly])
    held: dict[Privilege, str] = {}
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(QUERIES["effective_privileges"].format(role_names=role_names))
        for row in cur:
            via = str(row.pop("held_via"))
            held[Privilege(**row)] = via
    findings += [
        AuditFinding("missing", privilege.describe())
        for privilege in sorted(expected - held.keys())
    ]
    findings += [
        AuditFinding("excess", f"{privilege.describe()} (held via {held[privilege]})")
        for privilege in sorted(held.keys() - expected)
    ]
    for query in ("audit_ownership", "audit_default_privileges", "audit_public"):
        findings += _findings(conn, query, literals)
    return findings


def _findings(
    conn: Connection, query: str, literals: dict[str, sql.Composable]
) -> list[AuditFinding]:
    return [
        AuditFinding(str(kind), str(detail))
        for kind, detail in conn.execute(QUERIES[query].format(**literals))
    ]
