"""`grants --check`: every way a live database differs from the role model.

The model's object privileges come from the database itself (xferity.role_model_privileges(),
migration 0013), so the audit and grant_role_model() can never disagree. Beyond schema xferity it
covers what logs in: the login users that act as a role of the model (attributes, memberships,
direct grants), database-level CONNECT/TEMPORARY/CREATE, CREATE on schema public, and SECURITY
DEFINER functions whose search_path is unsafe. Each finding says how the privilege is held."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from psycopg import sql
from psycopg.rows import class_row, dict_row

from xferity_schema.core.db import Connection
from xferity_schema.core.queries import QueryFile
from xferity_schema.roles.names import RoleNames

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
    # missing | excess | ownership | default privilege | security definer | login | role model
    kind: str
    detail: str

    def line(self) -> str:
        return f"{self.kind}: {self.detail}"


def audit(conn: Connection, names: RoleNames) -> list[AuditFinding]:
    """Every way the live database differs from the role model."""
    literals = names.literals()
    logins = [str(row[0]) for row in conn.execute(QUERIES["model_logins"].format(**literals))]
    literals["logins"] = sql.Literal(logins)
    findings = _findings(conn, "audit_roles", literals)
    findings += _findings(conn, "audit_logins", literals)
    findings += _findings(conn, "audit_database", literals)
    findings += _findings(conn, "audit_security_definer", literals)
    schema_row = conn.execute(QUERIES["schema_exists"]).fetchone()
    if not (schema_row and schema_row[0]):
        findings.append(AuditFinding("missing", "schema xferity does not exist"))
        return findings
    expected = _model_privileges(conn, names, findings)
    if expected is not None:
        findings += _privilege_findings(conn, names, expected)
    for query in ("audit_ownership", "audit_default_privileges", "audit_public"):
        findings += _findings(conn, query, literals)
    return findings


def has_role_model(conn: Connection) -> bool:
    """Whether the database holds the role model's SQL (migration 0013) and a recorded model."""
    row = conn.execute(QUERIES["has_model_function"]).fetchone()
    if not (row and row[0] and row[1]):
        return False
    return bool(conn.execute(QUERIES["recorded_role_model"]).fetchall())


def _model_privileges(
    conn: Connection, names: RoleNames, findings: list[AuditFinding]
) -> set[Privilege] | None:
    """What the database's own role model gives, or None (with a finding) when it has none or
    it names other roles than the audit was asked about."""
    row = conn.execute(QUERIES["has_model_function"]).fetchone()
    has_table, has_function = row if row else (False, False)
    if not has_function:
        findings.append(
            AuditFinding(
                "role model",
                "xferity.role_model_privileges() does not exist (migration 0013 is not applied): "
                "object privileges cannot be checked",
            )
        )
        return None
    recorded: dict[str, str] = {}
    if has_table:
        rows = conn.execute(QUERIES["recorded_role_model"]).fetchall()
        recorded = {str(kind): str(name) for kind, name in rows}
    wanted = asdict(names)
    if not recorded:
        findings.append(
            AuditFinding(
                "role model",
                "xferity.role_model records no roles: run the grant script for this database",
            )
        )
        return None
    differing = [
        f"{kind} is {recorded.get(kind)!s}, not {name}"
        for kind, name in wanted.items()
        if recorded.get(kind) != name
    ]
    if differing:
        findings.append(
            AuditFinding("role model", "xferity.role_model differs: " + "; ".join(differing))
        )
        return None
    with conn.cursor(row_factory=class_row(Privilege)) as cur:
        return set(cur.execute(QUERIES["model_privileges"]).fetchall())


def _privilege_findings(
    conn: Connection, names: RoleNames, expected: set[Privilege]
) -> list[AuditFinding]:
    role_names = sql.Literal([names.app, names.worker, names.readonly])
    held: dict[Privilege, str] = {}
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(QUERIES["effective_privileges"].format(role_names=role_names))
        for row in cur:
            via = str(row.pop("held_via"))
            held[Privilege(**row)] = via
    return [
        AuditFinding("missing", privilege.describe())
        for privilege in sorted(expected - held.keys())
    ] + [
        AuditFinding("excess", f"{privilege.describe()} (held via {held[privilege]})")
        for privilege in sorted(held.keys() - expected)
    ]


def _findings(
    conn: Connection, query: str, literals: dict[str, sql.Composable]
) -> list[AuditFinding]:
    return [
        AuditFinding(str(kind), str(detail))
        for kind, detail in conn.execute(QUERIES[query].format(**literals))
    ]
