"""Can each runtime role do its job, and no more? Tried for real after an upgrade, as the role.

Each probe runs as one role of the model (SET LOCAL ROLE from a superuser session, so privilege
checks are the role's own) in a transaction that is always rolled back. A probe whose objects
the schema does not have (an older or a custom migration set) is skipped."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from xferity_schema.core.db import Connection
from xferity_schema.core.errors import describe_database_error
from xferity_schema.core.queries import QueryFile
from xferity_schema.roles.names import RoleNames

QUERIES = QueryFile(__package__, "role_probes.sql")
DENIED = "denied"


@dataclass(frozen=True)
class Probe:
    kind: str  # app | worker | readonly
    name: str
    query: sql.SQL
    allowed: bool
    needs: tuple[tuple[str, str], ...]  # ("table" | "function", name)

    def describe(self) -> str:
        return self.name.replace("_", " ")


def _table(name: str) -> tuple[str, str]:
    return ("table", name)


def _function(signature: str) -> tuple[str, str]:
    return ("function", signature)


USERS, FLOW_RUNS, JOBS = (
    _table("xferity.auth_users"),
    _table("xferity.flow_runs"),
    _table("xferity.jobs"),
)
PROBES = (
    Probe("app", "app_reads_and_writes", QUERIES["app_reads_and_writes"], True, (USERS, FLOW_RUNS)),
    Probe("app", "app_truncates", QUERIES["app_truncates"], False, (FLOW_RUNS,)),
    Probe("app", "app_creates_a_table", QUERIES["app_creates_a_table"], False, ()),
    Probe(
        "app",
        "app_writes_bookkeeping",
        QUERIES["app_writes_bookkeeping"],
        False,
        (_table("xferity.schema_migrations"),),
    ),
    Probe(
        "app",
        "app_resets_everything",
        QUERIES["app_resets_everything"],
        False,
        (_function("xferity.reset_all_data()"),),
    ),
    Probe(
        "worker",
        "worker_works_the_queue",
        QUERIES["worker_works_the_queue"],
        True,
        (
            _function("xferity.register_worker(text,text,jsonb)"),
            _function("xferity.claim_job(text,text[],integer,interval)"),
        ),
    ),
    Probe("worker", "worker_reads_jobs", QUERIES["worker_reads_jobs"], False, (JOBS,)),
    Probe("worker", "worker_reads_users", QUERIES["worker_reads_users"], False, (USERS,)),
    Probe(
        "readonly",
        "readonly_reads_public_data",
        QUERIES["readonly_reads_public_data"],
        True,
        (FLOW_RUNS, _table("xferity.auth_sessions")),
    ),
    Probe(
        "readonly",
        "readonly_reads_personal_data",
        QUERIES["readonly_reads_personal_data"],
        False,
        (USERS,),
    ),
    Probe(
        "readonly",
        "readonly_reads_job_payloads",
        QUERIES["readonly_reads_job_payloads"],
        False,
        (JOBS,),
    ),
    Probe(
        "readonly",
        "readonly_reads_secrets",
        QUERIES["readonly_reads_secrets"],
        False,
        (_table("xferity.vault_secrets"),),
    ),
    Probe("readonly", "readonly_writes", QUERIES["readonly_writes"], False, (FLOW_RUNS,)),
)


def probe_runtime_roles(conn: Connection, names: RoleNames) -> list[str]:
    """One line per probe whose outcome is not the model's; [] when every role does its job
    and no more. `conn` is a superuser session in autocommit mode."""
    problems: list[str] = []
    for probe in PROBES:
        if not all(_exists(conn, kind, name) for kind, name in probe.needs):
            continue
        role = str(getattr(names, probe.kind))
        outcome = _try(conn, role, probe.query)
        who = f"role {role} ({probe.kind})"
        if probe.allowed and outcome is not None:
            problems.append(f"{who} cannot do its job: {probe.describe()}: {outcome}")
        elif not probe.allowed and outcome is None:
            problems.append(f"{who} can do more than its job: {probe.describe()} succeeded")
        elif not probe.allowed and outcome is not None and not outcome.startswith(DENIED):
            problems.append(f"{who}: {probe.describe()} failed otherwise: {outcome}")
    return problems


def _exists(conn: Connection, kind: str, name: str) -> bool:
    row = conn.execute(QUERIES["object_exists"], {"kind": kind, "name": name}).fetchone()
    return bool(row and row[0])


def _try(conn: Connection, role: str, query: sql.SQL) -> str | None:
    """None when the statements ran; else the error, starting with DENIED for a privilege
    error."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(QUERIES["set_local_role"].format(role=sql.Identifier(role)))
            conn.execute(query)
    except psycopg.errors.InsufficientPrivilege as exc:
        return f"{DENIED}: {describe_database_error(exc)}"
    except psycopg.Error as exc:
        return describe_database_error(exc)
    return None
