"""The role model's five names, validated."""

from __future__ import annotations

from dataclasses import dataclass, fields

from psycopg import sql

from xferity_schema.core.contract import DEFAULT_ROLE_NAMES, LOGIN_ROLE_KINDS
from xferity_schema.core.errors import ConfigError
from xferity_schema.core.identifiers import check_name


@dataclass(frozen=True)
class RoleNames:
    owner: str = DEFAULT_ROLE_NAMES["owner"]
    migrator: str = DEFAULT_ROLE_NAMES["migrator"]
    app: str = DEFAULT_ROLE_NAMES["app"]
    worker: str = DEFAULT_ROLE_NAMES["worker"]
    readonly: str = DEFAULT_ROLE_NAMES["readonly"]

    def __post_init__(self) -> None:
        names = [getattr(self, f.name) for f in fields(self)]
        for field_, name in zip(fields(self), names, strict=True):
            check_name(name, f"{field_.name} role")
        if len(set(names)) != len(names):
            raise ConfigError("the five role names must all differ")

    def by_kind(self, kind: str) -> str:
        if kind not in LOGIN_ROLE_KINDS:
            raise ConfigError(
                f"--login maps onto one of {', '.join(LOGIN_ROLE_KINDS)}, not {kind!r}"
            )
        return str(getattr(self, kind))

    def literals(self) -> dict[str, sql.Composable]:
        return {f.name: sql.Literal(getattr(self, f.name)) for f in fields(self)}

    def identifiers(self) -> dict[str, sql.Composable]:
        return {f.name: sql.Identifier(getattr(self, f.name)) for f in fields(self)}
