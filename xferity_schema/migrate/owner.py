"""`apply`'s switch to the owner role, so that what migrations create is the owner's, and the
re-assertion of the role model's object privileges after migrating.

apply switches (SET ROLE) only when the login may act as the owner AND this database is prepared
for that owner: its role model (xferity.role_model, written by the DBA's grant script) names it,
or, before migration 0013, schema xferity belongs to it. On a shared cluster the owner role of
another database is therefore never borrowed. Whatever it decides, it says so in one line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from xferity_schema.core.db import Connection
from xferity_schema.core.errors import (
    ConfigError,
    MigrationFailed,
    XferitySchemaError,
    describe_database_error,
)
from xferity_schema.core.identifiers import check_name
from xferity_schema.core.progress import Progress
from xferity_schema.core.queries import QueryFile
from xferity_schema.migrate.files import Migration
from xferity_schema.migrate.runner import ApplyReport, apply_migrations

QUERIES = QueryFile(__package__, "owner.sql")


@dataclass(frozen=True)
class ActingRole:
    """The role apply acts as after SET ROLE, and why: named in privilege errors."""

    role: str
    login: str
    reason: str

    def explain(self) -> str:
        return f"acting as role {self.role} (SET ROLE from {self.login}, because {self.reason})"


def become_owner(conn: Connection, owner_role: str, progress: Progress) -> ActingRole | None:
    """SET ROLE to the owner when that is right (see the module docstring); else say, in one
    line, who will own what the migrations create. Refuses a database whose role model names
    another owner."""
    check_name(owner_role, "owner role")
    with conn.cursor(row_factory=dict_row) as cur:
        state = cur.execute(QUERIES["owner_state"], {"owner": owner_role}).fetchone() or {}
    login = str(state.get("acting_user") or conn.info.user)
    recorded = _recorded_owner(conn) if state.get("has_role_model") else None
    if recorded is not None and recorded != owner_role:
        raise ConfigError(
            f"this database's role model (xferity.role_model) names {recorded} as its owner "
            f"role, not {owner_role}: pass --owner-role {recorded}"
        )
    if state.get("is_self"):
        return None
    if not state.get("role_exists"):
        progress(
            f"role {owner_role} does not exist: applying as {login}, which will own what the "
            "migrations create (one-user mode)"
        )
        return None
    if not state.get("is_member"):
        progress(
            f"not switching to role {owner_role}: {login} is not a member of it; "
            f"{login} will own what the migrations create"
        )
        return None
    if recorded == owner_role:
        reason = "this database's role model names it as the owner"
    elif recorded is None and state.get("schema_owner") == owner_role:
        reason = "it owns schema xferity of this database"
    else:
        progress(
            f"not switching to role {owner_role}: this database is not prepared for it (no role "
            "model names it and it does not own schema xferity; run the grant script for this "
            f"database first); applying as {login}"
        )
        return None
    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(owner_role)))
    acting = ActingRole(owner_role, login, f"{login} is a member and {reason}")
    progress(f"running as role {owner_role} (SET ROLE): {acting.reason}")
    return acting


def reassert_role_model(
    conn: Connection, acting: ActingRole | None, progress: Progress
) -> int | None:
    """SELECT xferity.grant_role_model(): every object privilege the model gives, for whatever
    the migrations created. None when the database has no such function (before 0013) or no
    recorded role model."""
    row = conn.execute(QUERIES["has_grant_function"]).fetchone()
    if not (row and row[0]):
        return None
    if _recorded_owner(conn) is None:
        return None
    try:
        with conn.transaction():
            result = conn.execute(QUERIES["grant_role_model"]).fetchone()
    except psycopg.Error as exc:
        where = acting.explain() if acting else "acting as the login itself"
        raise XferitySchemaError(
            f"xferity.grant_role_model() failed, {where}: {describe_database_error(exc)}"
        ) from exc
    changes = int(str(result[0])) if result and result[0] is not None else 0
    progress(
        f"role model: {changes} privilege(s) granted or revoked"
        if changes
        else "role model: every object privilege already as the model gives"
    )
    return changes


def _recorded_owner(conn: Connection) -> str | None:
    try:
        row = conn.execute(QUERIES["recorded_owner"]).fetchone()
    except psycopg.errors.InsufficientPrivilege:
        return None  # a login with no way into schema xferity: not prepared for it
    return str(row[0]) if row else None


def apply_as_owner(
    conn: Connection,
    migrations: Sequence[Migration],
    owner_role: str,
    progress: Progress,
    *,
    lock_timeout_seconds: float = 300.0,
    statement_lock_timeout_ms: int = 10_000,
    allow_out_of_order: bool = False,
) -> ApplyReport:
    """What `apply` does: switch to the owner when right, migrate, re-assert the role model.
    A failure after the switch names the role apply acted as, and why."""
    acting = become_owner(conn, owner_role, progress)
    try:
        report = apply_migrations(
            conn,
            migrations,
            lock_timeout_seconds=lock_timeout_seconds,
            statement_lock_timeout_ms=statement_lock_timeout_ms,
            allow_out_of_order=allow_out_of_order,
            progress=progress,
        )
    except MigrationFailed as exc:
        if acting is None:
            raise
        raise MigrationFailed(f"{exc} ({acting.explain()})") from None
    # Every object privilege the role model gives, for whatever the migrations created: an
    # upgrade needs no DBA step.
    reassert_role_model(conn, acting, progress)
    return report
