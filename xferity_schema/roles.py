"""The role model's names, validated, and `apply`'s switch to the owner role."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields

from psycopg import sql

from xferity_schema.errors import ConfigError
from xferity_schema.migrator import Connection
from xferity_schema.queries import load_query

# Dollar signs could close the script's dollar-quoted blocks and control characters could end
# a comment line; everything else is quoted by psycopg.sql.
_UNSAFE_NAME = re.compile(r"[$\x00-\x1f\x7f]")
MAX_NAME_BYTES = 63
LOGIN_KINDS = ("migrator", "app", "worker", "readonly")


def check_name(name: str, what: str) -> str:
    if not name:
        raise ConfigError(f"{what} name is empty")
    if _UNSAFE_NAME.search(name):
        raise ConfigError(
            f"{what} name {name!r} is refused: '$' and control characters are not allowed"
        )
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ConfigError(
            f"{what} name {name!r} is longer than {MAX_NAME_BYTES} bytes; PostgreSQL would cut it"
        )
    return name


@dataclass(frozen=True)
class RoleNames:
    owner: str = "xferity_owner"
    migrator: str = "xferity_migrator"
    app: str = "xferity_app"
    worker: str = "xferity_worker"
    readonly: str = "xferity_readonly"

    def __post_init__(self) -> None:
        names = [getattr(self, f.name) for f in fields(self)]
        for field_, name in zip(fields(self), names, strict=True):
            check_name(name, f"{field_.name} role")
        if len(set(names)) != len(names):
            raise ConfigError("the five role names must all differ")

    def by_kind(self, kind: str) -> str:
        if kind not in LOGIN_KINDS:
            raise ConfigError(f"--login maps onto one of {', '.join(LOGIN_KINDS)}, not {kind!r}")
        return str(getattr(self, kind))

    def literals(self) -> dict[str, sql.Composable]:
        return {f.name: sql.Literal(getattr(self, f.name)) for f in fields(self)}

    def identifiers(self) -> dict[str, sql.Composable]:
        return {f.name: sql.Identifier(getattr(self, f.name)) for f in fields(self)}


def become_owner(conn: Connection, owner_role: str, progress: Callable[[str], None]) -> None:
    """SET ROLE to the owner when the login is a member, so objects and default privileges are
    the owner's. Without the role (one-user mode), the login itself owns what it creates."""
    check_name(owner_role, "owner role")
    row = conn.execute(load_query("roles/owner_membership"), {"owner": owner_role}).fetchone()
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
