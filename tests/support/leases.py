"""Leases expire because a test moves them, never because a test sleeps past them.

The tests connect as the superuser, so they may rewrite a lease's end in the database: the
same state the SQL API sees once that much time has passed, without a wall-clock wait."""

from __future__ import annotations

from typing import Any

import psycopg


def expire_job_leases(conn: psycopg.Connection[Any], worker: str) -> int:
    """End now the leases `worker` holds on running jobs; returns how many were moved."""
    cursor = conn.execute(
        "UPDATE xferity.jobs SET lease_expires_at = now() - interval '1 second' "
        "WHERE state = 'running' AND locked_by = %s",
        (worker,),
    )
    return cursor.rowcount


def let_job_lease_time_pass(conn: psycopg.Connection[Any], job_id: int, elapsed: str) -> None:
    """Move a running job's lease end `elapsed` (an interval) earlier: as if that much time had
    passed since the lease was last set."""
    conn.execute(
        "UPDATE xferity.jobs SET lease_expires_at = lease_expires_at - %s::interval "
        "WHERE id = %s AND state = 'running'",
        (elapsed, job_id),
    )


def expire_subscription_lock(conn: psycopg.Connection[Any], subscription: object) -> None:
    """End now the lock held on a workflow event subscription (migration 0010)."""
    conn.execute(
        "UPDATE xferity.workflow_event_subscriptions "
        "SET external_token_expiry = now() - interval '1 second' WHERE subscription_id = %s",
        (subscription,),
    )
