"""The queue as an operator sees it: reads and the state changes of migration 0015's functions.

Every change goes through the SQL functions, so the CLI obeys the same state rules and
constraints as psql or any other client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.rows import dict_row

from xferity_schema.core.db import Connection
from xferity_schema.core.errors import XferitySchemaError
from xferity_schema.core.queries import QueryFile
from xferity_schema.jobs.health import TableHealth

QUERIES = QueryFile(__package__, "jobs.sql")
FINISHED_STATES = ("completed", "failed", "cancelled")
STATES = ("available", "running", *FINISHED_STATES)


@dataclass(frozen=True)
class JobFilter:
    queue: str | None = None
    kind: str | None = None
    after: datetime | None = None
    before: datetime | None = None

    def params(self) -> dict[str, Any]:
        return {"queue": self.queue, "kind": self.kind, "after": self.after, "before": self.before}


def _rows(conn: Connection, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(QUERIES[query], params)
        return cur.fetchall()


def _scalar(conn: Connection, query: str, params: dict[str, Any]) -> Any:
    row = conn.execute(QUERIES[query], params).fetchone()
    return row[0] if row else None


def queue_stats(conn: Connection, recent_seconds: float) -> list[dict[str, Any]]:
    return _rows(conn, "stats", {"recent_seconds": recent_seconds})


def worker_counts(conn: Connection) -> dict[str, Any]:
    rows = _rows(conn, "workers", {})
    return rows[0] if rows else {"live_workers": 0, "stalled_workers": 0}


def table_health(conn: Connection) -> TableHealth:
    return TableHealth.from_row(_rows(conn, "table_health", {})[0])


def list_jobs(
    conn: Connection, state: str | None, where: JobFilter, limit: int
) -> list[dict[str, Any]]:
    params = {**where.params(), "state": state, "limit": limit}
    if state in FINISHED_STATES:  # walk the finished-job index, most recently finished first
        return _rows(conn, "list_finished", params)
    return _rows(conn, "list_by_id", params)


def show_job(conn: Connection, job_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    found = _rows(conn, "show", {"job_id": job_id})
    if not found:
        raise XferitySchemaError(f"no job with id {job_id}")
    return found[0], _rows(conn, "show_errors", {"job_id": job_id})


def count_retryable(conn: Connection, where: JobFilter) -> int:
    return int(_scalar(conn, "count_retryable", where.params()))


def retry_job(conn: Connection, job_id: int, attempts: int) -> str:
    return str(_scalar(conn, "retry_job", {"job_id": job_id, "attempts": attempts}))


def retry_failed_jobs(conn: Connection, where: JobFilter, attempts: int, max_rows: int) -> int:
    params = {**where.params(), "attempts": attempts, "max_rows": max_rows}
    return int(_scalar(conn, "retry_failed_jobs", params))


def cancel_job(conn: Connection, job_id: int, reason: str | None) -> str:
    return str(_scalar(conn, "cancel_job", {"job_id": job_id, "reason": reason}))


def reschedule_job(
    conn: Connection, job_id: int, run_at: datetime | None, priority: int | None
) -> bool:
    params = {"job_id": job_id, "run_at": run_at, "priority": priority}
    return bool(_scalar(conn, "reschedule_job", params))


def count_discardable(
    conn: Connection, states: tuple[str, ...], where: JobFilter, before: datetime
) -> int:
    params = {**where.params(), "states": list(states), "before": before}
    return int(_scalar(conn, "count_discardable", params))


def discard_jobs(
    conn: Connection, states: tuple[str, ...], where: JobFilter, before: datetime, max_rows: int
) -> int:
    """discard_jobs in batches of max_rows until nothing is left; returns the total."""
    params = {**where.params(), "states": list(states), "before": before, "max_rows": max_rows}
    total = 0
    while True:
        deleted = int(_scalar(conn, "discard_jobs", params))
        total += deleted
        if deleted < max_rows:
            return total
