"""The job queue's SQL API (migration 0012), one behaviour per test, on a real server.

Concurrency, crash recovery and the psql-only worker are in test_job_queue_concurrency.py.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from tests.support.leases import expire_job_leases, let_job_lease_time_pass
from tests.support.paths import REPO_ROOT
from tests.support.plans import nested_plans
from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations

MIGRATION = REPO_ROOT / "sql" / "migrations" / "0012_job_queue.sql"
ROLLBACK = REPO_ROOT / "sql" / "migrations" / "0012_job_queue.rollback.sql"
DEMO = REPO_ROOT / "sql" / "demo" / "0012_job_queue.sql"

CHANNEL = "xferity_jobs"
JOB_FUNCTIONS = (
    "enqueue_job",
    "claim_job",
    "complete_job",
    "complete_jobs",
    "fail_job",
    "heartbeat_job",
    "reap_expired_jobs",
    "register_worker",
    "worker_heartbeat",
    "prune_finished_jobs",
)

Row = dict[str, Any]


@pytest.fixture
def db(migrated_db: str) -> Iterator[psycopg.Connection[Row]]:
    with psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def enqueue(conn: psycopg.Connection[Row], kind: str = "test", **kwargs: Any) -> int:
    """enqueue_job with named arguments, e.g. enqueue(conn, priority=5, queue='q')."""
    arguments = [sql.Placeholder("kind")] + [
        sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in kwargs
    ]
    query = sql.SQL("SELECT xferity.enqueue_job({}) AS id").format(sql.SQL(", ").join(arguments))
    if "payload" in kwargs:
        kwargs["payload"] = json.dumps(kwargs["payload"])
    row = conn.execute(query, {"kind": kind, **kwargs}).fetchone()
    assert row is not None
    return int(row["id"])


def claim(
    conn: psycopg.Connection[Row],
    worker: str,
    max_jobs: int = 1,
    queues: list[str] | None = None,
    lease: str = "300 seconds",
) -> list[Row]:
    return conn.execute(
        "SELECT * FROM xferity.claim_job(%s, %s, %s, %s::interval)",
        (worker, queues, max_jobs, lease),
    ).fetchall()


def scalar(conn: psycopg.Connection[Row], query: str | sql.Composed, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return next(iter(row.values()))


def job(conn: psycopg.Connection[Row], job_id: int) -> Row:
    row = conn.execute("SELECT * FROM xferity.jobs WHERE id = %s", (job_id,)).fetchone()
    assert row is not None
    return row


def make_due(conn: psycopg.Connection[Row], job_id: int) -> None:
    """Test shortcut: skip the wait for a scheduled retry."""
    conn.execute("UPDATE xferity.jobs SET run_at = now() WHERE id = %s", (job_id,))


# -- enqueue -------------------------------------------------------------------------------


def test_enqueue_uses_xferity_defaults(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db, "flow_run")
    row = job(db, job_id)
    assert row["queue"] == "default"
    assert row["payload"] == {}
    assert row["state"] == "available"
    assert row["priority"] == 0
    assert row["attempt"] == 0
    assert row["max_attempts"] == 3
    assert row["locked_by"] is None and row["lease_expires_at"] is None
    assert row["run_at"] <= scalar(db, "SELECT now()")


def test_enqueue_null_arguments_take_the_defaults(db: psycopg.Connection[Row]) -> None:
    job_id = scalar(db, "SELECT xferity.enqueue_job('k', NULL, NULL, NULL, NULL, NULL, NULL) AS id")
    row = job(db, job_id)
    assert (row["queue"], row["payload"], row["priority"], row["max_attempts"]) == (
        "default",
        {},
        0,
        3,
    )


def test_dedupe_key_returns_the_unfinished_job(db: psycopg.Connection[Row]) -> None:
    first = enqueue(db, "flow_run", dedupe_key="flow:acme")
    assert enqueue(db, "flow_run", dedupe_key="flow:acme") == first
    assert enqueue(db, "flow_run", dedupe_key="flow:other") != first
    assert enqueue(db, "flow_run") != first  # no key, no dedupe

    # Still deduplicated while it runs ...
    [claimed] = claim(db, "w1")
    assert claimed["id"] == first
    assert enqueue(db, "flow_run", dedupe_key="flow:acme") == first
    # ... and released once it is finished.
    assert scalar(db, "SELECT xferity.complete_job(%s, 'w1')", (first,)) is True
    second = enqueue(db, "flow_run", dedupe_key="flow:acme")
    assert second != first
    assert scalar(db, "SELECT count(*) FROM xferity.jobs WHERE dedupe_key = 'flow:acme'") == 2


def test_dedupe_key_is_released_by_a_final_failure(db: psycopg.Connection[Row]) -> None:
    first = enqueue(db, dedupe_key="k")
    claim(db, "w1")
    assert scalar(db, "SELECT xferity.fail_job(%s, 'w1', 'bad', TRUE)", (first,)) == "failed"
    assert enqueue(db, dedupe_key="k") != first


def test_enqueue_rejects_bad_rows(db: psycopg.Connection[Row]) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        enqueue(db, "")
    with pytest.raises(psycopg.errors.CheckViolation):
        enqueue(db, "k", max_attempts=0)
    with pytest.raises(psycopg.errors.CheckViolation):
        enqueue(db, "k", queue="")


# -- claim ---------------------------------------------------------------------------------


def test_claim_leases_the_job(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db, "flow_run", payload={"flow_name": "acme"})
    [row] = claim(db, "worker-a")
    now = scalar(db, "SELECT now()")
    assert row["id"] == job_id
    assert row["kind"] == "flow_run" and row["payload"] == {"flow_name": "acme"}
    assert row["state"] == "running"
    assert row["attempt"] == 1
    assert row["locked_by"] == "worker-a"
    # Default lease: Xferity's job_execution_timeout, 300 s from the claim.
    assert row["lease_expires_at"] - row["locked_at"] == dt.timedelta(seconds=300)
    assert row["lease_expires_at"] > now
    assert claim(db, "worker-b") == []  # running jobs are not claimable


def test_claim_takes_higher_priority_first_then_oldest(db: psycopg.Connection[Row]) -> None:
    base = scalar(db, "SELECT now() - interval '1 hour'")
    ids = {
        "low": enqueue(db, priority=-1, run_at=base),
        "normal_newer": enqueue(db, priority=0, run_at=base + dt.timedelta(minutes=2)),
        "normal_older": enqueue(db, priority=0, run_at=base + dt.timedelta(minutes=1)),
        "high_newer": enqueue(db, priority=5, run_at=base + dt.timedelta(minutes=3)),
        "high_older": enqueue(db, priority=5, run_at=base + dt.timedelta(minutes=2)),
    }
    expected = ["high_older", "high_newer", "normal_older", "normal_newer", "low"]
    # One at a time ...
    order = [claim(db, "w")[0]["id"] for _ in expected]
    assert order == [ids[name] for name in expected]


def test_batch_claim_returns_jobs_in_claim_order(db: psycopg.Connection[Row]) -> None:
    for priority in (0, 3, 1, 3, 2):
        enqueue(db, priority=priority)
    rows = claim(db, "w", max_jobs=10)
    assert [row["priority"] for row in rows] == [3, 3, 2, 1, 0]
    assert all(row["locked_by"] == "w" and row["attempt"] == 1 for row in rows)


def test_claim_respects_max_jobs_queues_and_run_at(db: psycopg.Connection[Row]) -> None:
    for _ in range(3):
        enqueue(db, queue="email")
    enqueue(db, queue="default")
    future = enqueue(db, queue="email", run_at=scalar(db, "SELECT now() + interval '1 hour'"))

    assert len(claim(db, "w", max_jobs=2, queues=["email"])) == 2
    rows = claim(db, "w", max_jobs=10, queues=["email"])
    assert [row["queue"] for row in rows] == ["email"]
    assert claim(db, "w", max_jobs=10, queues=["email", "nothing"]) == []
    assert [row["queue"] for row in claim(db, "w", max_jobs=10)] == ["default"]
    assert job(db, future)["state"] == "available"


def test_claim_rejects_bad_arguments(db: psycopg.Connection[Row]) -> None:
    for args in (("w", None, 0, "300 seconds"), ("", None, 1, "300 seconds"), ("w", None, 1, "0")):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            db.execute("SELECT * FROM xferity.claim_job(%s, %s, %s, %s::interval)", args)


def test_claim_skips_rows_locked_by_another_claimer(migrated_db: str) -> None:
    with (
        psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as a,
        psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as b,
    ):
        first, second = enqueue(a), enqueue(a)
        with a.transaction():  # a claims and has not committed yet
            [held] = claim(a, "a")
            started = time.monotonic()
            [got] = claim(b, "b")  # never waits for a's lock
            assert time.monotonic() - started < 2
        assert {held["id"], got["id"]} == {first, second}


# -- complete ------------------------------------------------------------------------------


def test_only_the_lease_holder_completes(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db)
    claim(db, "holder")
    assert scalar(db, "SELECT xferity.complete_job(%s, 'intruder')", (job_id,)) is False
    assert job(db, job_id)["state"] == "running"
    result = json.dumps({"files": 2})
    assert (
        scalar(db, "SELECT xferity.complete_job(%s, 'holder', %s::jsonb)", (job_id, result)) is True
    )
    row = job(db, job_id)
    assert row["state"] == "completed" and row["result"] == {"files": 2}
    assert row["finished_at"] is not None and row["lease_expires_at"] is None
    # Completing twice is refused; so is completing a job that was never claimed.
    assert scalar(db, "SELECT xferity.complete_job(%s, 'holder')", (job_id,)) is False
    assert scalar(db, "SELECT xferity.complete_job(%s, 'holder')", (enqueue(db),)) is False


def test_complete_jobs_counts_only_held_jobs(db: psycopg.Connection[Row]) -> None:
    mine = [enqueue(db) for _ in range(3)]
    theirs = enqueue(db)
    claim(db, "me", max_jobs=3)
    claim(db, "them")
    completed = scalar(
        db, "SELECT xferity.complete_jobs(%s, 'me')", ([*mine, theirs, mine[0], 999999],)
    )
    assert completed == 3
    assert {job(db, i)["state"] for i in mine} == {"completed"}
    assert job(db, theirs)["state"] == "running"
    assert scalar(db, "SELECT xferity.complete_jobs(%s, 'me')", (mine,)) == 0


# -- leases --------------------------------------------------------------------------------


def test_lost_lease_cannot_complete_but_the_new_holder_can(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db)
    claim(db, "slow")
    assert expire_job_leases(db, "slow") == 1
    # Expired but not yet reaped: the old holder can do nothing any more.
    assert scalar(db, "SELECT xferity.complete_job(%s, 'slow')", (job_id,)) is False
    assert scalar(db, "SELECT xferity.heartbeat_job(%s, 'slow')", (job_id,)) is False
    assert scalar(db, "SELECT xferity.fail_job(%s, 'slow', 'x')", (job_id,)) == "lease_lost"
    assert scalar(db, "SELECT xferity.complete_jobs(%s, 'slow')", ([job_id],)) == 0

    assert scalar(db, "SELECT xferity.reap_expired_jobs()") == 1
    [again] = claim(db, "fresh")
    assert again["id"] == job_id and again["attempt"] == 2
    assert scalar(db, "SELECT xferity.complete_job(%s, 'slow')", (job_id,)) is False
    assert scalar(db, "SELECT xferity.complete_job(%s, 'fresh')", (job_id,)) is True

    [error] = db.execute("SELECT * FROM xferity.job_errors WHERE job_id = %s", (job_id,))
    assert (error["attempt"], error["worker_id"], error["reason"]) == (1, "slow", "lease_expired")
    assert error["retry_at"] == error["failed_at"]


def test_heartbeat_extends_the_lease(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db)
    [row] = claim(db, "w", lease="5 seconds")
    assert scalar(db, "SELECT xferity.heartbeat_job(%s, 'other', '1 minute')", (job_id,)) is False
    assert scalar(db, "SELECT xferity.heartbeat_job(%s, 'w', '1 minute')", (job_id,)) is True
    extended = job(db, job_id)["lease_expires_at"]
    assert extended - row["lease_expires_at"] > dt.timedelta(seconds=50)
    # The claim's own 5-second lease is over; the extended one is not.
    let_job_lease_time_pass(db, job_id, "6 seconds")
    assert scalar(db, "SELECT xferity.reap_expired_jobs()") == 0
    assert scalar(db, "SELECT xferity.complete_job(%s, 'w')", (job_id,)) is True


def test_reap_fails_jobs_without_attempts_left(db: psycopg.Connection[Row]) -> None:
    last_chance = enqueue(db, max_attempts=1)
    retried = enqueue(db, max_attempts=2)
    live = enqueue(db)
    claim(db, "dead", max_jobs=2)
    claim(db, "alive")
    assert expire_job_leases(db, "dead") == 2
    assert scalar(db, "SELECT xferity.reap_expired_jobs()") == 2
    assert job(db, last_chance)["state"] == "failed"
    assert job(db, last_chance)["finished_at"] is not None
    assert job(db, retried)["state"] == "available"
    assert job(db, live)["state"] == "running"
    assert "lease expired" in job(db, retried)["last_error"]
    reasons = db.execute(
        "SELECT job_id, reason, retry_at IS NULL AS final FROM xferity.job_errors ORDER BY job_id"
    ).fetchall()
    assert reasons == [
        {"job_id": last_chance, "reason": "lease_expired", "final": True},
        {"job_id": retried, "reason": "lease_expired", "final": False},
    ]
    assert scalar(db, "SELECT xferity.reap_expired_jobs()") == 0


# -- failures and retries ------------------------------------------------------------------


def _fail_and_measure(
    db: psycopg.Connection[Row], job_id: int, worker: str, *extra: Any
) -> tuple[str, Row]:
    placeholders = sql.SQL(", ").join([sql.Placeholder()] * (3 + len(extra)))
    query = sql.SQL("SELECT xferity.fail_job({})").format(placeholders)
    state = scalar(db, query, (job_id, worker, f"boom {worker}", *extra))
    error = db.execute(
        "SELECT * FROM xferity.job_errors WHERE job_id = %s ORDER BY attempt DESC LIMIT 1",
        (job_id,),
    ).fetchone()
    assert error is not None
    return state, error


def _assert_within_jitter(delay: dt.timedelta, nominal_seconds: float) -> None:
    """fail_job's documented jitter: the full delay minus up to 10%."""
    nominal = dt.timedelta(seconds=nominal_seconds)
    tolerance = dt.timedelta(microseconds=1)  # timestamptz rounds to microseconds
    assert nominal * 0.9 - tolerance <= delay <= nominal + tolerance, (delay, nominal)


def test_retry_backoff_follows_the_default_schedule(db: psycopg.Connection[Row]) -> None:
    """Defaults: base 5 s, cap 60 s, max_attempts 3 -> retries after ~5 s and ~10 s, then failed."""
    job_id = enqueue(db)
    for attempt, nominal in ((1, 5), (2, 10)):
        [row] = claim(db, f"w{attempt}")
        assert row["attempt"] == attempt
        state, error = _fail_and_measure(db, job_id, f"w{attempt}")
        assert state == "available"
        after = job(db, job_id)
        assert after["run_at"] == error["retry_at"]
        assert after["lease_expires_at"] is None and after["last_error"] == f"boom w{attempt}"
        _assert_within_jitter(error["retry_at"] - error["failed_at"], nominal)
        assert claim(db, "eager") == []  # not due before the backoff
        make_due(db, job_id)
    claim(db, "w3")
    state, error = _fail_and_measure(db, job_id, "w3")
    assert state == "failed" and error["retry_at"] is None
    final = job(db, job_id)
    assert final["state"] == "failed" and final["attempt"] == 3 and final["finished_at"]
    messages = db.execute(
        "SELECT attempt, worker_id, reason, message FROM xferity.job_errors "
        "WHERE job_id = %s ORDER BY attempt",
        (job_id,),
    ).fetchall()
    assert messages == [
        {"attempt": n, "worker_id": f"w{n}", "reason": "error", "message": f"boom w{n}"}
        for n in (1, 2, 3)
    ]
    make_due(db, job_id)
    assert claim(db, "w4") == []


def test_retry_backoff_doubles_up_to_the_cap(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db, max_attempts=8)
    nominal = [5, 10, 20, 40, 60, 60, 60]  # min(60, 5 * 2^(n-1))
    for attempt, seconds in enumerate(nominal, start=1):
        claim(db, "w")
        state, error = _fail_and_measure(db, job_id, "w", False, "5 seconds", "60 seconds")
        assert state == "available" and error["attempt"] == attempt
        _assert_within_jitter(error["retry_at"] - error["failed_at"], seconds)
        make_due(db, job_id)
    claim(db, "w")
    assert _fail_and_measure(db, job_id, "w")[0] == "failed"


def test_retry_backoff_takes_custom_base_and_cap(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db, max_attempts=5)
    for seconds in (2, 4, 7, 7):
        claim(db, "w")
        _, error = _fail_and_measure(db, job_id, "w", False, "2 seconds", "7 seconds")
        _assert_within_jitter(error["retry_at"] - error["failed_at"], seconds)
        make_due(db, job_id)


def test_retry_jitter_spreads_within_its_bounds(db: psycopg.Connection[Row]) -> None:
    db.execute("SELECT xferity.enqueue_job('j') FROM generate_series(1, 200)")
    ids = [row["id"] for row in claim(db, "w", max_jobs=200)]
    for job_id in ids:
        db.execute("SELECT xferity.fail_job(%s, 'w', 'x')", (job_id,))
    delays = [
        row["delay"]
        for row in db.execute(
            "SELECT retry_at - failed_at AS delay FROM xferity.job_errors"
        ).fetchall()
    ]
    assert len(delays) == 200
    for delay in delays:
        _assert_within_jitter(delay, 5)
    # Real jitter: the retries do not all land on the same instant.
    assert max(delays) - min(delays) > dt.timedelta(milliseconds=100)


def test_permanent_error_fails_at_once(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db, max_attempts=10)
    claim(db, "w")
    state, error = _fail_and_measure(db, job_id, "w", True)
    assert state == "failed"
    assert (error["reason"], error["attempt"], error["retry_at"]) == ("permanent", 1, None)
    row = job(db, job_id)
    assert row["state"] == "failed" and row["attempt"] == 1 and row["finished_at"] is not None


def test_fail_job_by_a_stranger_changes_nothing(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db)
    claim(db, "holder")
    before = job(db, job_id)
    assert scalar(db, "SELECT xferity.fail_job(%s, 'stranger', 'x')", (job_id,)) == "lease_lost"
    assert scalar(db, "SELECT xferity.fail_job(%s, 'holder', 'x')", (999999,)) == "lease_lost"
    assert job(db, job_id) == before
    assert scalar(db, "SELECT count(*) FROM xferity.job_errors") == 0


def test_fail_job_survives_absurd_attempt_numbers(db: psycopg.Connection[Row]) -> None:
    job_id = enqueue(db, max_attempts=100000)
    db.execute(
        "UPDATE xferity.jobs SET attempt = 5000, locked_by = 'w0', locked_at = now() WHERE id = %s",
        (job_id,),
    )
    claim(db, "w")
    _, error = _fail_and_measure(db, job_id, "w")
    _assert_within_jitter(error["retry_at"] - error["failed_at"], 60)


# -- NOTIFY --------------------------------------------------------------------------------


def _notifications(listener: psycopg.Connection[Any], timeout: float) -> list[str]:
    return [n.payload for n in listener.notifies(timeout=timeout) if n.channel == CHANNEL]


def test_notify_when_a_job_becomes_ready(migrated_db: str) -> None:
    with (
        psycopg.connect(migrated_db, autocommit=True) as listener,
        psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as db,
    ):
        listener.execute(f"LISTEN {CHANNEL}")

        enqueue(db, queue="email")
        assert _notifications(listener, 1.0) == ["email"]

        # Scheduled for later: nothing is ready, nothing is sent.
        enqueue(db, queue="later", run_at=scalar(db, "SELECT now() + interval '1 hour'"))
        assert _notifications(listener, 0.3) == []

        # A transaction that enqueues many sends one notification per queue, at commit.
        with db.transaction():
            db.execute("SELECT xferity.enqueue_job('bulk') FROM generate_series(1, 50)")
            assert _notifications(listener, 0.2) == []
        assert _notifications(listener, 1.0) == ["default"]

        # A retry that is due at once (zero backoff) and a reaped job are ready again.
        claim(db, "w", max_jobs=100, queues=["email", "default"])
        email_job = scalar(db, "SELECT id FROM xferity.jobs WHERE queue = 'email'")
        assert (
            scalar(db, "SELECT xferity.fail_job(%s, 'w', 'x', FALSE, '0', '0')", (email_job,))
            == "available"
        )
        assert _notifications(listener, 1.0) == ["email"]
        assert expire_job_leases(db, "w") == 50
        assert scalar(db, "SELECT xferity.reap_expired_jobs()") == 50
        assert _notifications(listener, 1.0) == ["default"]


# -- workers and monitoring ----------------------------------------------------------------


def test_worker_registry_and_live_workers(db: psycopg.Connection[Row]) -> None:
    db.execute(
        "SELECT xferity.register_worker('w1', 'mft-app-01', %s::jsonb)",
        (json.dumps({"version": "1.8"}),),
    )
    db.execute("SELECT xferity.register_worker('w2', 'mft-app-02')")
    assert scalar(db, "SELECT xferity.worker_heartbeat('w1')") is True
    assert scalar(db, "SELECT xferity.worker_heartbeat('nobody')") is False
    enqueue(db)
    enqueue(db)
    claim(db, "w1", max_jobs=2)

    live = {row["worker_id"]: row for row in db.execute("SELECT * FROM xferity.live_workers")}
    assert set(live) == {"w1", "w2"}
    assert live["w1"]["running_jobs"] == 2 and live["w2"]["running_jobs"] == 0
    assert live["w1"]["info"] == {"version": "1.8"} and live["w1"]["hostname"] == "mft-app-01"

    # Outside the 30-second liveness window a worker is no longer live ...
    db.execute(
        "UPDATE xferity.workers SET last_seen_at = now() - interval '31 seconds' "
        "WHERE worker_id = 'w2'"
    )
    assert [r["worker_id"] for r in db.execute("SELECT * FROM xferity.live_workers")] == ["w1"]
    # ... until it beats again. Re-registering updates its facts once the entry is no longer
    # live (0015: a live worker's entry is never taken over; see test_job_operations.py).
    assert scalar(db, "SELECT xferity.worker_heartbeat('w2')") is True
    db.execute(
        "UPDATE xferity.workers SET last_seen_at = now() - interval '31 seconds' "
        "WHERE worker_id = 'w2'"
    )
    db.execute("SELECT xferity.register_worker('w2', 'mft-app-03', '{\"v\": 2}')")
    assert scalar(db, "SELECT count(*) FROM xferity.workers") == 2
    assert scalar(db, "SELECT hostname FROM xferity.live_workers WHERE worker_id = 'w2'") == (
        "mft-app-03"
    )


def test_queue_depth(db: psycopg.Connection[Row]) -> None:
    old = scalar(db, "SELECT now() - interval '10 minutes'")
    enqueue(db, queue="a", run_at=old)
    enqueue(db, queue="a")
    enqueue(db, queue="a", run_at=scalar(db, "SELECT now() + interval '1 hour'"))
    enqueue(db, queue="b")
    done = enqueue(db, queue="b", priority=9)
    claim(db, "w", queues=["b"])
    db.execute("SELECT xferity.complete_job(%s, 'w')", (done,))

    rows = {
        (row["queue"], row["state"]): row for row in db.execute("SELECT * FROM xferity.queue_depth")
    }
    assert set(rows) == {("a", "available"), ("b", "available"), ("b", "completed")}
    a = rows[("a", "available")]
    assert (a["jobs"], a["due_jobs"]) == (3, 2)
    assert dt.timedelta(minutes=10) <= a["oldest_due_age"] < dt.timedelta(minutes=11)
    assert rows[("b", "completed")]["oldest_due_age"] is None


def test_prune_finished_jobs(db: psycopg.Connection[Row]) -> None:
    ids = [enqueue(db) for _ in range(5)]
    claim(db, "w", max_jobs=4)
    db.execute("SELECT xferity.complete_jobs(%s, 'w')", (ids[:3],))
    db.execute("SELECT xferity.fail_job(%s, 'w', 'no', TRUE)", (ids[3],))
    db.execute(
        "UPDATE xferity.jobs SET finished_at = now() - interval '8 days' WHERE id = ANY(%s)",
        ([*ids[:2], ids[3]],),
    )
    assert scalar(db, "SELECT xferity.prune_finished_jobs('7 days', 2)") == 2
    assert scalar(db, "SELECT xferity.prune_finished_jobs()") == 1
    assert scalar(db, "SELECT xferity.prune_finished_jobs()") == 0
    remaining = [row["id"] for row in db.execute("SELECT id FROM xferity.jobs ORDER BY id")]
    assert remaining == [ids[2], ids[4]]
    assert scalar(db, "SELECT count(*) FROM xferity.job_errors") == 0  # cascaded


# -- the schema's promises -----------------------------------------------------------------


def test_claim_uses_the_partial_index(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute("SELECT xferity.enqueue_job('k') FROM generate_series(1, 2000)")
        conn.execute("ANALYZE xferity.jobs")
        predicate = conn.execute(
            "SELECT pg_get_expr(indpred, indrelid) FROM pg_index "
            "WHERE indexrelid = 'xferity.jobs_claim_queue_idx'::regclass"
        ).fetchone()
        assert predicate == ("(state = 'available'::text)",)
        # 0021 dropped 0012's all-queue claim index: one claim index serves every claim.
        assert conn.execute("SELECT to_regclass('xferity.jobs_claim_idx')").fetchone() == (None,)
        for queues in (None, ["default"]):
            plans = nested_plans(
                conn, "SELECT * FROM xferity.claim_job('w', %s::text[], 10)", (queues,)
            )
            assert "using jobs_claim_queue_idx" in plans
            assert "Seq Scan" not in plans


def test_finished_jobs_leave_the_claim_index(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute("SELECT xferity.enqueue_job('k') FROM generate_series(1, 500)")
        ids = [r[0] for r in conn.execute("SELECT id FROM xferity.claim_job('w', NULL, 400)")]
        conn.execute("SELECT xferity.complete_jobs(%s, 'w')", (ids,))
        conn.execute("VACUUM xferity.jobs")
        # An index-only count through the partial index sees just the 100 claimable rows.
        conn.execute("SET enable_seqscan = off")
        count = conn.execute(
            "SELECT count(*) FROM xferity.jobs WHERE state = 'available'"
        ).fetchone()
        assert count == (100,)
        tuples = conn.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'xferity.jobs_claim_queue_idx'::regclass"
        ).fetchone()
        assert tuples is not None and tuples[0] == 100


def test_jobs_table_storage_is_tuned(db: psycopg.Connection[Row]) -> None:
    options = scalar(db, "SELECT reloptions FROM pg_class WHERE oid = 'xferity.jobs'::regclass")
    settings = dict(option.split("=", 1) for option in options)
    assert settings["fillfactor"] == "80"
    assert float(settings["autovacuum_vacuum_scale_factor"]) <= 0.05
    assert "autovacuum_analyze_scale_factor" in settings
    assert "autovacuum_vacuum_threshold" in settings


def test_job_functions_are_definer_with_pinned_search_path_and_not_public(
    db: psycopg.Connection[Row],
) -> None:
    rows = db.execute(
        "SELECT p.proname, p.prosecdef, p.proconfig, "
        "has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute "
        "FROM pg_proc AS p WHERE p.pronamespace = 'xferity'::regnamespace "
        "AND p.proname = ANY(%s)",
        (list(JOB_FUNCTIONS),),
    ).fetchall()
    assert sorted(row["proname"] for row in rows) == sorted(JOB_FUNCTIONS)
    for row in rows:
        assert row["prosecdef"], row["proname"]
        assert "search_path=xferity, pg_temp" in row["proconfig"], row["proname"]
        assert not row["public_execute"], row["proname"]


def test_signatures_are_the_documented_ones(db: psycopg.Connection[Row]) -> None:
    signatures = {
        row["proname"]: (row["args"], row["result"])
        for row in db.execute(
            "SELECT proname, pg_get_function_arguments(oid) AS args, "
            "pg_get_function_result(oid) AS result FROM pg_proc "
            "WHERE pronamespace = 'xferity'::regnamespace AND proname = ANY(%s)",
            (list(JOB_FUNCTIONS),),
        )
    }
    assert signatures["enqueue_job"] == (
        "kind text, payload jsonb DEFAULT '{}'::jsonb, queue text DEFAULT 'default'::text, "
        "run_at timestamp with time zone DEFAULT now(), priority integer DEFAULT 0, "
        "max_attempts integer DEFAULT 3, dedupe_key text DEFAULT NULL::text",
        "bigint",
    )
    assert signatures["claim_job"] == (
        "worker_id text, queues text[] DEFAULT NULL::text[], max_jobs integer DEFAULT 1, "
        "lease interval DEFAULT '00:05:00'::interval",
        "SETOF xferity.jobs",
    )
    assert signatures["complete_job"] == (
        "job_id bigint, worker_id text, result jsonb DEFAULT NULL::jsonb",
        "boolean",
    )
    assert signatures["complete_jobs"] == ("job_ids bigint[], worker_id text", "integer")
    assert signatures["fail_job"] == (
        "job_id bigint, worker_id text, error text, permanent boolean DEFAULT false, "
        "backoff_base interval DEFAULT '00:00:05'::interval, "
        "backoff_cap interval DEFAULT '00:01:00'::interval",
        "text",
    )
    assert signatures["heartbeat_job"] == (
        "job_id bigint, worker_id text, lease interval DEFAULT '00:05:00'::interval",
        "boolean",
    )
    assert signatures["reap_expired_jobs"] == ("", "integer")
    assert signatures["register_worker"] == (
        "worker_id text, hostname text, info jsonb DEFAULT '{}'::jsonb",
        "void",
    )
    assert signatures["worker_heartbeat"] == ("worker_id text", "boolean")


def test_every_object_is_commented(db: psycopg.Connection[Row]) -> None:
    missing = db.execute(
        """
        SELECT c.relname || coalesce('.' || a.attname, '') AS object
        FROM pg_class AS c
        LEFT JOIN pg_attribute AS a
            ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relnamespace = 'xferity'::regnamespace
            AND c.relname IN ('jobs', 'job_errors', 'workers', 'live_workers', 'queue_depth')
            AND (
                obj_description(c.oid, 'pg_class') IS NULL
                OR (a.attnum IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL)
            )
        UNION ALL
        SELECT p.proname FROM pg_proc AS p
        WHERE p.pronamespace = 'xferity'::regnamespace AND p.proname = ANY(%s)
            AND obj_description(p.oid, 'pg_proc') IS NULL
        """,
        (list(JOB_FUNCTIONS),),
    ).fetchall()
    assert missing == []


def test_rollback_removes_everything_and_reapplies(fresh_db: str) -> None:
    """0012's rollback on a database where 0012 is the newest migration."""
    up_to_0012 = [m for m in read_migration_set(migrations_dir()) if m.number <= 12]
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        apply_migrations(conn, up_to_0012)
        with conn.transaction():
            conn.execute(ROLLBACK.read_text().encode())
        leftovers = conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'xferity'::regnamespace "
            "AND relname IN ('jobs', 'job_errors', 'workers', 'live_workers', 'queue_depth') "
            "UNION ALL SELECT proname FROM pg_proc "
            "WHERE pronamespace = 'xferity'::regnamespace AND proname = ANY(%s)",
            (list(JOB_FUNCTIONS),),
        ).fetchall()
        assert leftovers == []
        with conn.transaction():
            conn.execute(MIGRATION.read_text().encode())
        assert conn.execute("SELECT xferity.enqueue_job('again')").fetchone() == (1,)


def test_demo_rows_load_and_show_every_state(db: psycopg.Connection[Row]) -> None:
    with db.transaction():
        db.execute(DEMO.read_text().encode())
    states = {row["state"] for row in db.execute("SELECT DISTINCT state FROM xferity.jobs")}
    assert states == {"available", "running", "completed", "failed"}
    assert scalar(db, "SELECT count(*) FROM xferity.live_workers") == 1
    assert scalar(db, "SELECT count(*) FROM xferity.job_errors") >= 1
    # The demo queue is workable: the high-priority maintenance job comes first.
    [first] = claim(db, "demo-worker")
    assert first["kind"] == "posture_snapshot"
