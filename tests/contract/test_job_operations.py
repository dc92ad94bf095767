"""Migration 0015: the operator functions, queue stats, worker identity and health.

Every state change goes through the same constraints as the workers' calls; races with a
worker completing the same job are played out on two real connections."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

Row = dict[str, Any]


@pytest.fixture
def db(migrated_db: str) -> Any:
    with psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def one(conn: psycopg.Connection[Row], query: str, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return next(iter(row.values()))


def enqueue(conn: psycopg.Connection[Row], **kwargs: Any) -> int:
    args = {"kind": "k", "queue": "default", "dedupe_key": None, "max_attempts": 3, **kwargs}
    return int(
        one(
            conn,
            "SELECT xferity.enqueue_job(%(kind)s, '{}', %(queue)s, "
            "max_attempts => %(max_attempts)s, dedupe_key => %(dedupe_key)s)",
            args,
        )
    )


def claim(conn: psycopg.Connection[Row], worker: str, queue: str | None = None) -> list[int]:
    queues = [queue] if queue else None
    rows = conn.execute("SELECT id FROM xferity.claim_job(%s, %s, 10)", (worker, queues))
    return [int(r["id"]) for r in rows]


def job(conn: psycopg.Connection[Row], job_id: int) -> Row:
    row = conn.execute("SELECT * FROM xferity.jobs WHERE id = %s", (job_id,)).fetchone()
    assert row is not None
    return row


def fail_for_good(conn: psycopg.Connection[Row], job_id: int, worker: str = "w") -> None:
    assert claim(conn, worker) == [job_id]
    state = one(conn, "SELECT xferity.fail_job(%s, %s, 'boom', TRUE)", (job_id, worker))
    assert state == "failed"


# -- cancel ---------------------------------------------------------------------------------


def test_cancel_an_available_job(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db, dedupe_key="nightly")
    assert one(db, "SELECT xferity.cancel_job(%s, 'not needed')", (job_id,)) == "cancelled"
    row = job(db, job_id)
    assert row["state"] == "cancelled" and row["finished_at"] is not None
    assert row["last_error"] == "cancelled: not needed"
    assert claim(db, "w") == []
    # The dedupe key is free again, like after any finished job.
    assert enqueue(db, dedupe_key="nightly") != job_id


def test_a_cancelled_running_job_answers_its_holder_as_a_lost_lease(
    db: psycopg.Connection[Row],
) -> None:
    first, second = enqueue(db), enqueue(db)
    assert sorted(claim(db, "holder")) == [first, second]
    assert one(db, "SELECT xferity.cancel_job(%s)", (first,)) == "cancelled"
    assert one(db, "SELECT xferity.cancel_job(%s)", (second,)) == "cancelled"
    assert one(db, "SELECT xferity.complete_job(%s, 'holder')", (first,)) is False
    assert one(db, "SELECT xferity.complete_jobs(%s, 'holder')", ([first, second],)) == 0
    assert one(db, "SELECT xferity.fail_job(%s, 'holder', 'x')", (second,)) == "lease_lost"
    assert one(db, "SELECT xferity.heartbeat_job(%s, 'holder')", (first,)) is False
    assert job(db, first)["state"] == job(db, second)["state"] == "cancelled"
    assert job(db, first)["lease_expires_at"] is None


def test_cancel_leaves_finished_and_unknown_jobs_alone(db: psycopg.Connection[Row]) -> None:
    done = enqueue(db)
    claim(db, "w")
    one(db, "SELECT xferity.complete_job(%s, 'w')", (done,))
    assert one(db, "SELECT xferity.cancel_job(%s)", (done,)) == "is_completed"
    assert job(db, done)["state"] == "completed"
    assert one(db, "SELECT xferity.cancel_job(-1)") == "not_found"
    cancelled = enqueue(db)
    one(db, "SELECT xferity.cancel_job(%s)", (cancelled,))
    assert one(db, "SELECT xferity.cancel_job(%s)", (cancelled,)) == "is_cancelled"


@pytest.mark.parametrize("first", ["worker", "operator"])
def test_cancel_races_a_worker_completing_the_same_job(migrated_db: str, first: str) -> None:
    """Whoever commits first wins; the other sees the outcome instead of overwriting it."""
    with psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as setup:
        job_id = enqueue(setup)
        assert claim(setup, "w") == [job_id]
    worker = psycopg.connect(migrated_db, row_factory=dict_row)
    operator = psycopg.connect(migrated_db, row_factory=dict_row)
    calls = {
        "worker": (worker, "SELECT xferity.complete_job(%s, 'w') AS out"),
        "operator": (operator, "SELECT xferity.cancel_job(%s) AS out"),
    }
    second = "operator" if first == "worker" else "worker"
    results: dict[str, Any] = {}
    try:
        conn, query = calls[first]
        results[first] = one(conn, query, (job_id,))  # holds the row lock, uncommitted

        def run_second() -> None:
            other, other_query = calls[second]
            results[second] = one(other, other_query, (job_id,))
            other.commit()

        thread = threading.Thread(target=run_second)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second call must wait for the first one's row lock"
        conn.commit()
        thread.join(timeout=10)
        assert not thread.is_alive()
    finally:
        worker.close()
        operator.close()
    with psycopg.connect(migrated_db, row_factory=dict_row) as check:
        state = job(check, job_id)["state"]
    if first == "worker":
        assert results == {"worker": True, "operator": "is_completed"} and state == "completed"
    else:
        assert results == {"operator": "cancelled", "worker": False} and state == "cancelled"


# -- retry ----------------------------------------------------------------------------------


def test_retry_a_failed_job_keeps_its_history_and_grants_new_attempts(
    db: psycopg.Connection[Row],
) -> None:
    job_id = enqueue(db, max_attempts=1)
    fail_for_good(db, job_id)
    assert one(db, "SELECT xferity.retry_job(%s, 2)", (job_id,)) == "retried"
    row = job(db, job_id)
    assert row["state"] == "available" and row["finished_at"] is None
    assert row["attempt"] == 1 and row["max_attempts"] == 3
    # The retried job runs and fails again; the history numbers both attempts.
    assert claim(db, "w2") == [job_id]
    assert one(db, "SELECT xferity.fail_job(%s, 'w2', 'again')", (job_id,)) == "available"
    errors = db.execute(
        "SELECT attempt, message FROM xferity.job_errors WHERE job_id = %s ORDER BY attempt",
        (job_id,),
    ).fetchall()
    assert [(e["attempt"], e["message"]) for e in errors] == [(1, "boom"), (2, "again")]


def test_retry_refuses_what_is_not_failed_or_cancelled(db: psycopg.Connection[Row]) -> None:
    waiting = enqueue(db)
    assert one(db, "SELECT xferity.retry_job(%s)", (waiting,)) == "is_available"
    claim(db, "w")
    assert one(db, "SELECT xferity.retry_job(%s)", (waiting,)) == "is_running"
    assert one(db, "SELECT xferity.retry_job(-5)") == "not_found"
    for bad in (0, 101, None):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            db.execute("SELECT xferity.retry_job(%s, %s)", (waiting, bad))


def test_retry_a_cancelled_job(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db)
    one(db, "SELECT xferity.cancel_job(%s)", (job_id,))
    assert one(db, "SELECT xferity.retry_job(%s)", (job_id,)) == "retried"
    assert claim(db, "w") == [job_id]


def test_retry_does_not_break_a_dedupe_key_taken_meanwhile(db: psycopg.Connection[Row]) -> None:
    old = enqueue(db, dedupe_key="k", max_attempts=1)
    fail_for_good(db, old)
    newer = enqueue(db, dedupe_key="k")
    assert newer != old
    assert one(db, "SELECT xferity.retry_job(%s)", (old,)) == "dedupe_conflict"
    assert job(db, old)["state"] == "failed"


def test_retry_failed_jobs_by_queue_kind_and_time(db: psycopg.Connection[Row]) -> None:
    wanted = [enqueue(db, queue="q1", kind="send", max_attempts=1) for _ in range(3)]
    other_kind = enqueue(db, queue="q1", kind="scan", max_attempts=1)
    other_queue = enqueue(db, queue="q2", kind="send", max_attempts=1)
    for job_id in [*wanted, other_kind, other_queue]:
        worker = f"w{job_id}"
        db.execute("SELECT xferity.claim_job(%s, ARRAY[%s], 1)", (worker, job(db, job_id)["queue"]))
        db.execute("SELECT xferity.fail_job(%s, %s, 'x', TRUE)", (job_id, worker))
    # Nothing failed in the future, nothing before the beginning of time.
    assert one(db, "SELECT xferity.retry_failed_jobs(failed_after => now() + interval '1 h')") == 0
    retried = one(db, "SELECT xferity.retry_failed_jobs('q1', 'send', max_rows => 2)")
    assert retried == 2
    assert one(db, "SELECT xferity.retry_failed_jobs('q1', 'send')") == 1
    states = {job_id: job(db, job_id)["state"] for job_id in [*wanted, other_kind, other_queue]}
    assert [states[j] for j in wanted] == ["available"] * 3
    assert states[other_kind] == states[other_queue] == "failed"


# -- reschedule and discard -----------------------------------------------------------------


def test_reschedule_an_available_job_only(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db)
    later = one(db, "SELECT now() + interval '1 hour'")
    assert one(db, "SELECT xferity.reschedule_job(%s, %s, 7)", (job_id, later)) is True
    row = job(db, job_id)
    assert row["run_at"] == later and row["priority"] == 7
    assert claim(db, "w") == []
    assert one(db, "SELECT xferity.reschedule_job(%s, now())", (job_id,)) is True
    assert claim(db, "w") == [job_id]
    assert one(db, "SELECT xferity.reschedule_job(%s, now())", (job_id,)) is False
    for infinite in ("infinity", "-infinity"):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            db.execute("SELECT xferity.reschedule_job(%s, %s::timestamptz)", (job_id, infinite))


def test_reschedule_to_now_notifies_the_workers(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as conn:
        job_id = enqueue(conn)
        one(conn, "SELECT xferity.reschedule_job(%s, now() + interval '1 hour')", (job_id,))
        conn.execute("LISTEN xferity_jobs")
        one(conn, "SELECT xferity.reschedule_job(%s, now())", (job_id,))
        notices = list(conn.notifies(timeout=2, stop_after=1))
    assert [n.payload for n in notices] == ["default"]


def test_discard_only_finished_jobs_by_filter(db: psycopg.Connection[Row]) -> None:
    done = enqueue(db, queue="a")
    claim(db, "w", "a")
    one(db, "SELECT xferity.complete_job(%s, 'w')", (done,))
    cancelled = enqueue(db, queue="a")
    one(db, "SELECT xferity.cancel_job(%s)", (cancelled,))
    waiting = enqueue(db, queue="a")
    elsewhere = enqueue(db, queue="b")
    one(db, "SELECT xferity.cancel_job(%s)", (elsewhere,))
    assert one(db, "SELECT xferity.discard_jobs(finished_before => now() - interval '1 h')") == 0
    assert one(db, "SELECT xferity.discard_jobs(ARRAY['cancelled'], 'a', NULL, now() + '1 s')") == 1
    assert (
        one(db, "SELECT xferity.discard_jobs(queue => 'a', finished_before => now() + '1 s')") == 1
    )
    remaining = {r["id"] for r in db.execute("SELECT id FROM xferity.jobs")}
    assert remaining == {waiting, elsewhere}
    for bad in ("{available}", "{running,completed}", "{}"):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            db.execute("SELECT xferity.discard_jobs(%s::text[])", (bad,))


# -- stats, identity, health ----------------------------------------------------------------


def test_queue_stats_counts_per_queue(db: psycopg.Connection[Row]) -> None:
    for _ in range(3):
        enqueue(db, queue="a")
    db.execute("SELECT xferity.enqueue_job('k', '{}', 'a', run_at => now() + interval '1 hour')")
    running = enqueue(db, queue="b")
    claim(db, "w", "b")
    done = enqueue(db, queue="b")
    claim(db, "w", "b")
    one(db, "SELECT xferity.complete_job(%s, 'w')", (done,))
    failed = enqueue(db, queue="c", max_attempts=1)
    claim(db, "w", "c")
    one(db, "SELECT xferity.fail_job(%s, 'w', 'x')", (failed,))
    one(db, "SELECT xferity.cancel_job(%s)", (enqueue(db, queue="c"),))
    db.execute(
        "UPDATE xferity.jobs SET run_at = now() - interval '90 seconds' WHERE queue = 'a' "
        "AND run_at <= now()"
    )
    stats = {r["queue"]: r for r in db.execute("SELECT * FROM xferity.queue_stats('1 minute')")}
    assert set(stats) == {"a", "b", "c"}
    assert (stats["a"]["available"], stats["a"]["due"], stats["a"]["running"]) == (4, 3, 0)
    assert stats["a"]["oldest_due_age"].total_seconds() >= 90
    assert stats["b"]["running"] == 1 and stats["b"]["completed_recent"] == 1
    assert stats["b"]["throughput_per_second"] == pytest.approx(1 / 60)
    assert (stats["c"]["failed_last_hour"], stats["c"]["cancelled_last_hour"]) == (1, 1)
    assert running  # still running: counted above


def test_queue_stats_never_scans_the_jobs_table(db: psycopg.Connection[Row]) -> None:
    """With a history of finished jobs, stats read partial indexes only (no seq scan)."""
    db.execute(
        "INSERT INTO xferity.jobs (kind, state, attempt, max_attempts, locked_by, locked_at, "
        "finished_at, run_at) SELECT 'old', 'completed', 1, 3, 'w', now() - interval '2 days', "
        "now() - interval '2 days', now() - interval '2 days' FROM generate_series(1, 20000)"
    )
    for _ in range(5):
        enqueue(db)
    db.execute("ANALYZE xferity.jobs")
    with db.transaction():
        before = one(db, "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'jobs'")
        stats = db.execute("SELECT * FROM xferity.queue_stats()").fetchall()
        after = one(db, "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'jobs'")
    assert [s["available"] for s in stats] == [5]
    assert after == before, "queue_stats scanned the whole jobs table"


def test_the_next_holder_never_sees_the_previous_workers_id(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db)
    claim(db, "host-1:4127:7f3a")
    db.execute(
        "UPDATE xferity.jobs SET lease_expires_at = now() - interval '1 second' WHERE id = %s",
        (job_id,),
    )
    assert one(db, "SELECT xferity.reap_expired_jobs()") == 1
    handed = db.execute("SELECT * FROM xferity.claim_job('host-2:1:aa')").fetchall()
    assert [h["id"] for h in handed] == [job_id]
    assert "lease expired" in handed[0]["last_error"]
    assert "host-1" not in handed[0]["last_error"]
    # Operators still see who lost it.
    assert one(db, "SELECT worker_id FROM xferity.job_errors WHERE job_id = %s", (job_id,)) == (
        "host-1:4127:7f3a"
    )


def test_register_worker_refuses_to_take_over_a_live_worker(db: psycopg.Connection[Row]) -> None:
    db.execute("SELECT xferity.register_worker('w1', 'host-a', '{\"v\": 1}')")
    with pytest.raises(psycopg.errors.UniqueViolation, match="w1 is live"):
        db.execute("SELECT xferity.register_worker('w1', 'host-b', '{\"v\": 2}')")
    row = db.execute("SELECT hostname, info FROM xferity.workers WHERE worker_id = 'w1'").fetchone()
    assert row == {"hostname": "host-a", "info": {"v": 1}}
    # A worker silent for longer than the liveness window can be taken over.
    db.execute("UPDATE xferity.workers SET last_seen_at = now() - interval '31 seconds'")
    db.execute("SELECT xferity.register_worker('w1', 'host-b', '{\"v\": 2}')")
    assert one(db, "SELECT hostname FROM xferity.workers WHERE worker_id = 'w1'") == "host-b"
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        db.execute("SELECT xferity.register_worker('', 'host')")


def test_worker_health_and_stalled_workers(db: psycopg.Connection[Row]) -> None:
    health = db.execute("SELECT * FROM xferity.worker_health()").fetchone()
    assert health == {"live_workers": 0, "last_seen_at": None}
    db.execute("SELECT xferity.register_worker('alive', 'h')")
    db.execute("SELECT xferity.register_worker('silent', 'h')")
    enqueue(db)
    claim(db, "silent")
    db.execute(
        "UPDATE xferity.workers SET last_seen_at = now() - interval '2 minutes' "
        "WHERE worker_id = 'silent'"
    )
    assert one(db, "SELECT live_workers FROM xferity.worker_health()") == 1
    stalled = db.execute("SELECT * FROM xferity.stalled_workers").fetchall()
    assert [(s["worker_id"], s["running_jobs"]) for s in stalled] == [("silent", 1)]
    assert stalled[0]["silent_for"].total_seconds() >= 120
