"""Where to connect: --dsn, XFERITY_DATABASE_URL, Xferity's YAML, or the embedded default."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xferity_schema.core.errors import ConfigError

DATABASE_URL_ENV = "XFERITY_DATABASE_URL"
CONFIG_KEYS = frozenset({"host", "port", "user", "password", "dbname", "sslmode", "dsn"})
_ENV_REF = "env:"
_VAULT_REF = "local-vault:"


@dataclass(frozen=True)
class ConnectionTarget:
    """A resolved libpq conninfo and where it came from.

    `conninfo` may hold a password: print `redacted()` instead.
    """

    conninfo: str
    source: str
    warnings: tuple[str, ...] = field(default=())

    def redacted(self) -> str:
        return redact_conninfo(self.conninfo)


def redact_conninfo(conninfo: str) -> str:
    """The conninfo with any password replaced, safe for messages."""
    params = conninfo_to_dict(conninfo)
    if "password" in params:
        params["password"] = "***"  # noqa: S105 - a mask, not a password
    return make_conninfo("", **params)


def resolve_target(
    dsn: str | None,
    config_path: Path | None,
    environ: Mapping[str, str] | None = None,
) -> ConnectionTarget | None:
    """Apply the documented precedence. None means: use the embedded development server.

    Explicit beats empty: a `--dsn ""` or an `XFERITY_DATABASE_URL=""` is a missing secret in a
    deploy step, never a request for the embedded server, so it is an error. The embedded server
    is the default only when nothing at all is configured.
    """
    env = os.environ if environ is None else environ
    if dsn is not None:
        if not dsn.strip():
            raise ConfigError(
                "--dsn is empty; give a DSN, or leave --dsn out to use the embedded "
                "development server"
            )
        return ConnectionTarget(parse_dsn(dsn, env, "--dsn"), "--dsn")
    if DATABASE_URL_ENV in env:
        if not env[DATABASE_URL_ENV].strip():
            raise ConfigError(
                f"{DATABASE_URL_ENV} is set but empty (a missing secret?); set it to a DSN, "
                f"or unset it to use the embedded development server"
            )
        return ConnectionTarget(
            parse_dsn(env[DATABASE_URL_ENV], env, DATABASE_URL_ENV), DATABASE_URL_ENV
        )
    if config_path is not None:
        return _target_from_config(config_path, env)
    return None


def parse_dsn(dsn: str, environ: Mapping[str, str], origin: str) -> str:
    """Validate a DSN (URL or key=value) and apply the sslmode default."""
    try:
        params: dict[str, Any] = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(f"malformed DSN in {origin}: {_scrub(str(exc))}") from None
    except UnicodeError:  # undecodable bytes in argv arrive as lone surrogates
        raise ConfigError(f"malformed DSN in {origin}: not valid UTF-8") from None
    return _with_defaults(params, environ)


def _with_defaults(params: dict[str, Any], environ: Mapping[str, str]) -> str:
    for key in ("host", "hostaddr"):
        if params.get(key):
            _check_hosts(str(params[key]), key)
    if "sslmode" not in params and "PGSSLMODE" not in environ:
        host = str(params.get("host") or environ.get("PGHOST") or "")
        if not is_local_host(host):
            params["sslmode"] = "require"
    params.setdefault("connect_timeout", "10")
    try:
        return make_conninfo("", **params)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(f"invalid connection setting: {_scrub(str(exc))}") from None
    except UnicodeError:
        raise ConfigError("invalid connection setting: not valid UTF-8") from None


def is_local_host(host: str) -> bool:
    """True when every listed host is a Unix socket, empty (libpq's default socket) or loopback."""
    hosts = [h.strip() for h in host.split(",")] if host else [""]
    return all(_is_local_single(h) for h in hosts)


def _is_local_single(host: str) -> bool:
    if host in ("", "localhost") or host.startswith("/") or host.startswith("@"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A DNS name: dot-separated labels of 1-63 letters, digits, '-' or '_' (and an optional final dot).
_HOST_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


def _check_hosts(value: str, key: str) -> None:
    """Refuse a host libpq would choke on deep inside name resolution (e.g. `db..internal`)."""
    for host in (h.strip() for h in value.split(",")):
        if not host or host.startswith(("/", "@")):
            continue  # libpq's default, a Unix socket directory, or an abstract socket
        try:
            ipaddress.ip_address(host.strip("[]"))
            continue
        except ValueError:
            pass
        name = host[:-1] if host.endswith(".") else host
        if len(name) > 253 or not all(_HOST_LABEL.match(label) for label in name.split(".")):
            raise ConfigError(
                f"invalid {key} {host[:80]!r}: not a host name, IP address or socket directory"
            )


def _scrub(message: str) -> str:
    """libpq quotes fragments of the input in its errors; one may be a password, so drop them."""
    return re.sub(r'"[^"]*"', '"…"', message.splitlines()[0] if message else message)


def _target_from_config(path: Path, environ: Mapping[str, str]) -> ConnectionTarget:
    block = _read_postgres_block(path)
    unknown = sorted(set(block) - CONFIG_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key state.postgres.{unknown[0]} "
            f"(known: {', '.join(sorted(CONFIG_KEYS))})"
        )
    if "dsn" in block and len(block) > 1:
        others = ", ".join(sorted(set(block) - {"dsn"}))
        raise ConfigError(
            f"{path}: state.postgres has both dsn and {others}; give one or the other"
        )

    warnings: list[str] = []
    resolved: dict[str, str] = {}
    for key, raw in block.items():
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise ConfigError(f"{path}: state.postgres.{key} is empty")
        if isinstance(raw, (dict, list)):
            kind = "a mapping" if isinstance(raw, dict) else "a list"
            raise ConfigError(
                f"{path}: state.postgres.{key} is {kind}; give a single value "
                f"(check the indentation)"
            )
        value = str(raw)
        resolved[key] = _resolve_reference(value, f"state.postgres.{key}", path, environ)
        if key == "password" and not value.startswith(_ENV_REF):
            warnings.append(
                f"warning: {path} holds a plaintext state.postgres.password; "
                "use password: env:NAME instead"
            )
        if key == "dsn" and not value.startswith(_ENV_REF) and _dsn_has_password(resolved[key]):
            warnings.append(
                f"warning: {path} holds a password inside state.postgres.dsn; "
                "use dsn: env:NAME instead"
            )

    origin = f"config {path}"
    if "dsn" in resolved:
        conninfo = parse_dsn(resolved["dsn"], environ, origin)
    else:
        conninfo = _with_defaults(dict(resolved), environ)
    return ConnectionTarget(conninfo, origin, tuple(warnings))


def _read_postgres_block(path: Path) -> dict[str, Any]:
    import yaml  # deferred: only a --config run pays for the YAML parser

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    state = document.get("state") if isinstance(document, dict) else None
    if not isinstance(state, dict):
        raise ConfigError(f"{path}: no state block (expected state.backend: postgres)")
    backend = state.get("backend", "postgres")
    if backend != "postgres":
        raise ConfigError(f"{path}: state.backend is {backend!r}; xferity-schema needs postgres")
    block = state.get("postgres")
    if not isinstance(block, dict) or not block:
        raise ConfigError(f"{path}: no state.postgres block")
    return block


def _resolve_reference(value: str, key: str, path: Path, environ: Mapping[str, str]) -> str:
    if value.startswith(_ENV_REF):
        name = value[len(_ENV_REF) :]
        if name not in environ:
            raise ConfigError(f"{path}: {key} refers to env:{name}, but {name} is not set")
        return environ[name]
    if value.startswith(_VAULT_REF):
        raise ConfigError(
            f"{path}: {key} refers to {value}; xferity-schema cannot "
            "open Xferity's vault: export the secret and use env:NAME"
        )
    return value


def _dsn_has_password(dsn: str) -> bool:
    try:
        return bool(conninfo_to_dict(dsn).get("password"))
    except psycopg.ProgrammingError:
        return False
