"""The ten rules of xferity.jobs, spelled as the CHECK constraints of 0012-0018 spelled them:
the tests' own oracle for rows the job functions leave behind (since 0019 the table checks
them only for writers other than its owner, in the jobs_check_rules trigger)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import tuple_row

RULES = {
    "jobs_queue_check": "length(queue) >= 1 AND length(queue) <= 128",
    "jobs_kind_check": "length(kind) >= 1 AND length(kind) <= 256",
    "jobs_max_attempts_check": "max_attempts >= 1",
    "jobs_dedupe_key_check": "length(dedupe_key) >= 1",
    "jobs_attempt_check": "attempt >= 0 AND attempt <= max_attempts",
    "jobs_state_check": "state IN ('available', 'running', 'completed', 'failed', 'cancelled')",
    "jobs_available_attempt_check": "state <> 'available' OR attempt < max_attempts",
    "jobs_locked_check": (
        "(attempt = 0) = (locked_by IS NULL) AND (attempt = 0) = (locked_at IS NULL)"
    ),
    "jobs_lease_check": "(state = 'running') = (lease_expires_at IS NOT NULL)",
    "jobs_finished_check": (
        "(state IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL)"
    ),
}

# A CHECK passes when its expression is NULL, hence IS FALSE.
_BROKEN = " UNION ALL ".join(
    f"SELECT '{name}' AS rule, id FROM xferity.jobs WHERE ({rule}) IS FALSE"
    for name, rule in RULES.items()
)


def rules_broken(conn: psycopg.Connection[Any]) -> list[tuple[str, int]]:
    """(rule, job id) for every row of xferity.jobs that breaks one of the ten rules."""
    with conn.cursor(row_factory=tuple_row) as cur:
        return [(str(rule), int(job_id)) for rule, job_id in cur.execute(_BROKEN).fetchall()]
