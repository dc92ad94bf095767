"""`apply`'s switch to the owner role, so that what migrations create is the owner's."""

from __future__ import annotations

from psycopg import sql

from xferity_schema.core.db import Connection
from xferity_schema.core.identifiers import check_name
from xferity_schema.core.progress import Progress
from xferity_schema.core.queries import QueryFile

QUERIES = QueryFile(__package__, "owner.sql")


def become_owner(conn: Connection, owner_role: str, progress: Progress) -> None:
    """SET ROLE to the owner when the login is a member, so objects and default privileges are
    the owner's. Without the role (one-user mode), the login itself owns what it creates."""
    check_name(owner_role, "owner role")
    row = conn.execute(QUERIES["owner_membership"], {"owner": owner_role}).fetchone()
    exists, is_member, is_self = row if row else (False, False, False)
    if not exists or is_self:
        return
    if not is_member:
        progress(
            f"warning: role {owner_role} exists but {conn.info.user} is not a member; "
            f"objects will be owned by {conn.info.user}"
        )
        return
    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(owner_role)))
    progress(f"running as role {owner_role} (SET ROLE)")
