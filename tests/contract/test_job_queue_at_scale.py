"""The job queue at scale (migration 0014): bounds, the flat claim's index use, the fused
complete-and-claim call and the set-based enqueue, on a real server.

Timing targets live in scripts/bench_queue.py; these tests assert behaviour and plans only.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row

from tests.support.job_rules import rules_broken
from tests.support.plans import nested_plans, nodes_removing_rows

REPO_ROOT = Path(__file__).resolve().parents[2]
ROLLBACK = REPO_ROOT / "sql" / "migrations" / "0014_job_queue_at_scale.rollback.sql"
MIGRATION = REPO_ROOT / "sql" / "migrations" / "0014_job_queue_at_scale.sql"
CHANNEL = "xferity_jobs"

Row = dict[str, Any]
Conn = psycopg.Connection[Row]

FUSED = (
    "SELECT * FROM xferity.complete_and_claim_jobs("
    "%(worker)s, %(done)s::bigint[], %(queues)s::text[], %(max_jobs)s, %(lease)s::interval, "
    "%(results)s::jsonb[], %(failed)s::bigint[], %(errors)s::text[], %(permanent)s::boolean[])"
)


@pytest.fixture
def db(migrated_db: str) -> Iterator[Conn]:
    with psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def scalar(conn: Conn, query: str, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return next(iter(row.values()))


def fused(conn: Conn, worker: str, done: list[int] | None = None, **kwargs: Any) -> list[Row]:
    params: dict[str, Any] = {
        "worker": worker,
        "done": done,
        "queues": None,
        "max_jobs": 1,
        "lease": "300 seconds",
        "results": None,
        "failed": None,
        "errors": None,
        "permanent": None,
    }
    params.update(kwargs)
    return conn.execute(FUSED, params).fetchall()


def enqueue_many(conn: Conn, count: int, **columns: Any) -> list[int]:
    """enqueue_jobs of `count` jobs of kind 'k'; columns are whole arrays by parameter name."""
    ids = scalar(
        conn,
        "SELECT xferity.enqueue_jobs(%(kinds)s::text[], %(payloads)s::jsonb[], %(queues)s::text[],"
        " %(run_ats)s::timestamptz[], %(priorities)s::integer[], %(max_attempts)s::integer[],"
        " %(dedupe_keys)s::text[])",
        {
            "kinds": columns.pop("kinds", ["k"] * count),
            "payloads": columns.pop("payloads", None),
            "queues": columns.pop("queues", None),
            "run_ats": columns.pop("run_ats", None),
            "priorities": columns.pop("priorities", None),
            "max_attempts": columns.pop("max_attempts", None),
            "dedupe_keys": columns.pop("dedupe_keys", None),
        },
    )
    assert not columns, columns
    return list(ids)


# The two calls that claim: claim_job, and since 0026 complete_and_claim_jobs with a claim
# statement of its own (a short claim goes on to claim_job).
CLAIM_QUERIES = {
    "claim_job": "SELECT id, priority, attempt FROM xferity.claim_job(%s, %s, %s)",
    "complete_and_claim_jobs": (
        "SELECT id, priority, attempt FROM xferity.complete_and_claim_jobs(%s, NULL, %s, %s)"
        " WHERE outcome = 'claimed'"
    ),
}


def claim(conn: Conn, call: str, worker: str, queues: list[str] | None, max_jobs: int) -> list[Row]:
    """The jobs `call` claims, in the order it returns them, with their priority and attempt."""
    return conn.execute(CLAIM_QUERIES[call], (worker, queues, max_jobs)).fetchall()


def job_count(conn: Conn) -> int:
    return int(scalar(conn, "SELECT count(*) FROM xferity.jobs"))


# -- bounds -------------------------------------------------------------------------------


@pytest.mark.parametrize("lease", ["1 day 1 second", "200 years", "25 hours"])
def test_claim_refuses_a_lease_over_one_day(db: Conn, lease: str) -> None:
    db.execute("SELECT xferity.enqueue_job('k')")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="at most 1 day"):
        db.execute("SELECT * FROM xferity.claim_job('w', NULL, 1, %s::interval)", (lease,))
    assert scalar(db, "SELECT state FROM xferity.jobs") == "available"
    [row] = db.execute("SELECT * FROM xferity.claim_job('w', NULL, 1, '1 day')").fetchall()
    assert scalar(
        db, "SELECT lease_expires_at - locked_at FROM xferity.jobs WHERE id = %s", (row["id"],)
    ) == scalar(db, "SELECT interval '1 day'")


def test_infinite_lease_is_refused_where_the_server_has_one(db: Conn) -> None:
    if db.info.server_version < 170000:
        pytest.skip("interval 'infinity' exists from PostgreSQL 17")
    for call in (
        "SELECT * FROM xferity.claim_job('w', NULL, 1, 'infinity')",
        "SELECT xferity.heartbeat_job(1, 'w', 'infinity')",
        "SELECT * FROM xferity.complete_and_claim_jobs('w', lease => 'infinity')",
    ):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            db.execute(call)


def test_heartbeat_refuses_a_lease_over_one_day(db: Conn) -> None:
    job_id = scalar(db, "SELECT xferity.enqueue_job('k')")
    db.execute("SELECT * FROM xferity.claim_job('w')")
    before = scalar(db, "SELECT lease_expires_at FROM xferity.jobs")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="at most 1 day"):
        db.execute("SELECT xferity.heartbeat_job(%s, 'w', '1000 years')", (job_id,))
    assert scalar(db, "SELECT lease_expires_at FROM xferity.jobs") == before
    assert scalar(db, "SELECT xferity.heartbeat_job(%s, 'w', '1 day')", (job_id,)) is True


def test_max_jobs_is_capped_at_1000(db: Conn) -> None:
    db.execute("SELECT xferity.enqueue_job('k') FROM generate_series(1, 1001)")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="at most 1000"):
        db.execute("SELECT * FROM xferity.claim_job('w', NULL, 1001)")
    assert len(db.execute("SELECT * FROM xferity.claim_job('w', NULL, 1000)").fetchall()) == 1000
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="between 0 and 1000"):
        fused(db, "w", max_jobs=1001)


@pytest.mark.parametrize("run_at", ["infinity", "-infinity"])
def test_run_at_must_be_finite(db: Conn, run_at: str) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="finite"):
        db.execute("SELECT xferity.enqueue_job('k', run_at => %s::timestamptz)", (run_at,))
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="finite"):
        enqueue_many(db, 2, run_ats=["now", run_at])
    assert job_count(db) == 0


# Since 0025 both functions check their arguments in one expression when all are valid, and
# only then say which one is wrong: every wrong argument must still reach its own message.
CLAIM_ARGUMENT_ERRORS = [
    ({"worker": ""}, "worker_id must not be empty"),
    ({"worker": None}, "worker_id must not be empty"),
    ({"max_jobs": None}, "max_jobs must be at least 1"),
    ({"max_jobs": 0}, "max_jobs must be at least 1"),
    ({"max_jobs": 1001}, "max_jobs must be at most 1000"),
    ({"lease": None}, "lease must be positive"),
    ({"lease": "0"}, "lease must be positive"),
    ({"lease": "-1 second"}, "lease must be positive"),
    ({"lease": "2 days"}, "lease must be at most 1 day"),
]


@pytest.mark.parametrize(("bad", "message"), CLAIM_ARGUMENT_ERRORS)
@pytest.mark.parametrize("queues", [None, ["default"]])
def test_claim_names_each_wrong_argument(
    db: Conn, bad: dict[str, Any], message: str, queues: list[str] | None
) -> None:
    enqueue_many(db, 2)
    params: dict[str, Any] = {"worker": "w", "max_jobs": 1, "lease": "300 seconds"}
    params.update(bad)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"claim_job: {message}"):
        db.execute(
            "SELECT * FROM xferity.claim_job(%(worker)s, %(queues)s, %(max_jobs)s,"
            " %(lease)s::interval)",
            {**params, "queues": queues},
        )
    assert scalar(db, "SELECT count(*) FROM xferity.jobs WHERE state = 'available'") == 2


FUSED_ARGUMENT_ERRORS = [
    ({"worker": ""}, "worker_id must not be empty"),
    ({"worker": None}, "worker_id must not be empty"),
    ({"max_jobs": None}, "max_jobs must be between 0 and 1000"),
    ({"max_jobs": -1}, "max_jobs must be between 0 and 1000"),
    ({"max_jobs": 1001}, "max_jobs must be between 0 and 1000"),
    ({"lease": None}, "lease must be positive and at most 1 day"),
    ({"lease": "0"}, "lease must be positive and at most 1 day"),
    ({"lease": "2 days"}, "lease must be positive and at most 1 day"),
    ({"results": ["{}"]}, "results must have one element per completed id"),
    ({"results": []}, "results must have one element per completed id"),
    ({"errors": ["a", "b"]}, "errors and permanent must have one element per failed id"),
    ({"permanent": [True, False]}, "errors and permanent must have one element per failed id"),
]


@pytest.mark.parametrize(("bad", "message"), FUSED_ARGUMENT_ERRORS)
def test_fused_call_names_each_wrong_argument(db: Conn, bad: dict[str, Any], message: str) -> None:
    enqueue_many(db, 3)
    ids = [r["id"] for r in db.execute("SELECT id FROM xferity.claim_job('w', NULL, 2)")]
    arguments = {name: value for name, value in bad.items() if name != "worker"}
    with pytest.raises(
        psycopg.errors.InvalidParameterValue, match=f"complete_and_claim_jobs: {message}"
    ):
        fused(
            db,
            bad.get("worker", "w"),
            ids[:2],
            failed=[ids[1]] if {"errors", "permanent"} & bad.keys() else None,
            **arguments,
        )
    assert scalar(db, "SELECT count(*) FROM xferity.jobs WHERE state = 'running'") == 2


def test_fused_call_checks_everything_before_changing_anything(db: Conn) -> None:
    enqueue_many(db, 2)
    ids = [r["id"] for r in db.execute("SELECT id FROM xferity.claim_job('w', NULL, 2)")]
    for bad in (
        {"lease": "2 days"},
        {"lease": "0"},
        {"max_jobs": -1},
        {"results": ["{}"]},  # two ids, one result
        {"failed": [ids[1]], "errors": ["a", "b"]},
    ):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            fused(db, "w", ids, **bad)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="worker_id"):
        fused(db, "", ids)
    assert scalar(db, "SELECT count(*) FROM xferity.jobs WHERE state = 'running'") == 2


# -- the flat claim: the intended index, a bounded range, in every case --------------------


def _load_scale_cases(conn: psycopg.Connection[Any]) -> None:
    """Every kind of job a claim on queue `small` cannot take, beside 2k it can."""
    conn.execute(
        # due jobs of queue small, the only ones a claim on small may take
        "INSERT INTO xferity.jobs (queue, kind, run_at) "
        "SELECT 'small', 'k', now() - interval '1 minute' FROM generate_series(1, 2000);"
        # an older due backlog of another queue
        "INSERT INTO xferity.jobs (queue, kind, run_at) "
        "SELECT 'default', 'k', now() - interval '1 day' FROM generate_series(1, 20000);"
        # jobs due tomorrow at a higher priority, in both queues
        "INSERT INTO xferity.jobs (queue, kind, priority, run_at) "
        "SELECT q, 'k', 10, now() + interval '1 day' "
        "FROM generate_series(1, 10000), unnest(ARRAY['small', 'default']) AS q;"
        # finished jobs
        "INSERT INTO xferity.jobs (queue, kind, state, attempt, locked_by, locked_at, finished_at)"
        " SELECT 'small', 'k', 'completed', 1, 'w', now(), now() FROM generate_series(1, 20000);"
        "ANALYZE xferity.jobs"
    )


# The queues named; since 0020 a claim on all queues (None) lists them by a loose scan of the
# same claim index.
CLAIM_CASES = {
    "one queue": ["small"],
    "several queues": ["small", "other"],
    "all queues": None,
}


@pytest.mark.parametrize("case", sorted(CLAIM_CASES))
def test_claim_reads_only_due_jobs_of_its_queues_through_the_claim_index(
    migrated_db: str, case: str
) -> None:
    queues = CLAIM_CASES[case]
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        _load_scale_cases(conn)
        conn.execute("SET auto_explain.log_analyze = on")
        plans = nested_plans(
            conn, "SELECT * FROM xferity.claim_job('w', %s::text[], 10)", (queues,)
        )
        claimed = conn.execute(
            "SELECT count(*), min(queue), max(queue), max(priority) FROM xferity.jobs "
            "WHERE state = 'running'"
        ).fetchone()
    assert "Seq Scan" not in plans
    assert "Bitmap" not in plans
    assert "using jobs_claim_queue_idx on jobs" in plans
    # The lock step's index condition bounds the scan to due jobs of one priority level (and
    # of one queue): no job it cannot take is read, so no scan of the table removes a row by
    # a filter. (Since 0024 the probe for each queue's due head steps past levels that are
    # not due; its own rows are filtered, one per level, never a job's.)
    assert "(run_at <= now())" in plans
    # Since 0022 it starts at the queue's head (its first available job), not at the front
    # of the queue's index entries, where claimed and finished jobs leave dead ones.
    assert "(ROW(run_at, id) >= ROW(" in plans
    assert [node for node in nodes_removing_rows(plans) if " on jobs " in node] == []
    assert "jobs_claim_idx " not in plans
    # Since 0024 the first statement steps past the levels of future jobs to each queue's
    # first due level, so this claim is one statement inside claim_job, like the baseline.
    assert plans.count("Query Text:") == 2
    if queues is not None:
        assert claimed == (10, "small", "small", 0)
    else:
        # the oldest due jobs of all queues: the backlog of default
        assert claimed == (10, "default", "default", 0)


# (queue, priority, run_at from now) of the claim-order tests
ORDER_CASE_JOBS = [
    ("a", 0, "-3 minutes"),
    ("b", 0, "-5 minutes"),
    ("a", 2, "-1 minutes"),
    ("b", 2, "-2 minutes"),
    ("b", 9, "+1 hour"),  # not due: skipped whatever its priority
    ("c", 5, "-1 hour"),  # another queue
    ("a", 1, "-10 minutes"),
]


def _enqueue_order_case(db: Conn, jobs: list[tuple[str, int, str]]) -> None:
    for queue, priority, offset in jobs:
        db.execute(
            "SELECT xferity.enqueue_job('k', queue => %s, priority => %s,"
            " run_at => now() + %s::interval)",
            (queue, priority, offset),
        )


def test_claim_order_across_queues_and_levels_is_the_0012_order(db: Conn) -> None:
    _enqueue_order_case(db, ORDER_CASE_JOBS)
    got = db.execute(
        "SELECT queue, priority FROM xferity.claim_job('w', ARRAY['a', 'b', 'a'], 10)"
    ).fetchall()
    assert [(r["queue"], r["priority"]) for r in got] == [
        ("b", 2),
        ("a", 2),
        ("a", 1),
        ("b", 0),
        ("a", 0),
    ]
    # Rows locked but not taken by a several-queue claim are free again after it.
    assert [r["queue"] for r in db.execute("SELECT queue FROM xferity.claim_job('w')")] == ["c"]


def test_a_claim_on_all_queues_merges_them_in_the_0012_order(db: Conn) -> None:
    # Since 0020 a claim on all queues reads each queue holding available jobs in turn.
    # Queue d holds only a job not yet due.
    _enqueue_order_case(db, [*ORDER_CASE_JOBS, ("d", 7, "+1 day")])
    got = db.execute("SELECT queue, priority FROM xferity.claim_job('w', NULL, 4)").fetchall()
    got += db.execute("SELECT queue, priority FROM xferity.claim_job('w', NULL, 10)").fetchall()
    assert [(r["queue"], r["priority"]) for r in got] == [
        ("c", 5),
        ("b", 2),
        ("a", 2),
        ("a", 1),
        ("b", 0),
        ("a", 0),
    ]
    assert db.execute("SELECT * FROM xferity.claim_job('w')").fetchall() == []
    # The queues' rows not taken by a claim are free again after it.
    assert scalar(db, "SELECT count(*) FROM xferity.jobs WHERE state = 'available'") == 2


def test_a_claim_on_all_queues_with_none_waiting_claims_nothing(db: Conn) -> None:
    assert db.execute("SELECT * FROM xferity.claim_job('w')").fetchall() == []
    db.execute("SELECT xferity.enqueue_job('k', queue => 'q')")
    assert [r["queue"] for r in db.execute("SELECT queue FROM xferity.claim_job('w')")] == ["q"]
    assert db.execute("SELECT * FROM xferity.claim_job('w')").fetchall() == []


# A job of the property test: queue, priority, seconds from now to run_at, finished or not.
ORDER_JOB = st.tuples(
    st.sampled_from("abc"),
    st.sampled_from([-5, 0, 1, 2, 9]),
    st.sampled_from([-120, -60, -1, 60, 3600]),
    st.booleans(),
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    jobs=st.lists(ORDER_JOB, min_size=4, max_size=30),
    queues=st.one_of(st.none(), st.lists(st.sampled_from("abcd"), max_size=4)),
    batches=st.lists(st.integers(1, 12), min_size=1, max_size=3),
)
# Due jobs below a level of future ones, in the queue a claim on all queues reads first.
@example(
    jobs=[("a", 9, 3600, False), ("a", 0, -60, False), ("b", 1, -1, False)],
    queues=None,
    batches=[2],
)
@pytest.mark.parametrize("call", sorted(CLAIM_QUERIES))
def test_claims_take_the_first_claimable_jobs_in_claim_order(
    db: Conn,
    call: str,
    jobs: list[tuple[str, int, int, bool]],
    queues: list[str] | None,
    batches: list[int],
) -> None:
    # Any mix of queues, levels, future and finished jobs (since 0024 a claim steps past
    # levels of future jobs inside one statement): each claim returns the first claimable
    # jobs of its queues in (priority DESC, run_at, id) order, as a sort of the table says.
    db.execute("TRUNCATE xferity.jobs CASCADE")
    db.execute(
        "INSERT INTO xferity.jobs (queue, kind, priority, run_at, state, attempt, locked_by,"
        " locked_at, finished_at)"
        " SELECT q, 'k', p, now() + s * interval '1 second',"
        " CASE WHEN f THEN 'completed' ELSE 'available' END, f::int,"
        " CASE WHEN f THEN 'w' END, CASE WHEN f THEN now() END, CASE WHEN f THEN now() END"
        " FROM unnest(%s::text[], %s::int[], %s::int[], %s::boolean[]) AS t (q, p, s, f)",
        [list(column) for column in zip(*jobs, strict=True)],
    )
    waiting = db.execute(
        "SELECT id, queue, priority, run_at, run_at <= now() AS due FROM xferity.jobs"
        " WHERE state = 'available'"
    ).fetchall()
    line = sorted(
        (r for r in waiting if r["due"] and (queues is None or r["queue"] in queues)),
        key=lambda r: (-r["priority"], r["run_at"], r["id"]),
    )
    for max_jobs in batches:
        got = claim(db, call, "w", queues, max_jobs)
        assert [r["id"] for r in got] == [r["id"] for r in line[:max_jobs]]
        line = line[max_jobs:]


@pytest.mark.parametrize("call", sorted(CLAIM_QUERIES))
@pytest.mark.parametrize("queues", [None, ["a", "b"]])
def test_a_claim_spanning_levels_takes_exactly_max_jobs(
    db: Conn, queues: list[str] | None, call: str
) -> None:
    # 0018 leases level by level: what one level gave counts against the next one's share.
    for queue, priority in [("a", 3), ("b", 3), ("a", 2), ("b", 1), ("a", 1), ("b", 0)]:
        db.execute(
            "SELECT xferity.enqueue_job('k', queue => %s, priority => %s)", (queue, priority)
        )
    for max_jobs, expected in [(3, [3, 3, 2]), (2, [1, 1]), (5, [0])]:
        got = claim(db, call, "w", queues, max_jobs)
        assert [r["priority"] for r in got] == expected
        assert {r["attempt"] for r in got} == {1}
    assert scalar(db, "SELECT count(*) FROM xferity.jobs WHERE locked_by = 'w'") == 6
    assert scalar(db, "SELECT count(*) FROM xferity.jobs WHERE state = 'running'") == 6


@pytest.mark.parametrize("call", sorted(CLAIM_QUERIES))
@pytest.mark.parametrize("queues", [None, ["q"]])
def test_a_claim_reads_past_a_head_another_claimer_holds(
    migrated_db: str, queues: list[str] | None, call: str
) -> None:
    # Since 0022 a claim starts at its queue's head; a head leased by a claimer whose
    # transaction is still open is skipped, not waited for, and the next jobs are taken.
    with (
        psycopg.connect(migrated_db, row_factory=dict_row) as holder,
        psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as other,
    ):
        ids = enqueue_many(other, 4, queues=["q"] * 4)
        held = holder.execute("SELECT id FROM xferity.claim_job('a', %s, 1)", (queues,))
        assert [r["id"] for r in held] == ids[:1]
        assert [r["id"] for r in claim(other, call, "b", queues, 2)] == ids[1:3]
        holder.rollback()
        assert [r["id"] for r in claim(other, call, "b", queues, 5)] == [ids[0], ids[3]]


# -- fused complete-and-claim -------------------------------------------------------------


def test_fused_call_completes_fails_and_claims_in_one_call(db: Conn) -> None:
    enqueue_many(db, 6, payloads=[f'{{"n": {n}}}' for n in range(6)])
    first = fused(db, "w", max_jobs=3)
    assert [r["outcome"] for r in first] == ["claimed"] * 3
    assert [r["payload"]["n"] for r in first] == [0, 1, 2]
    a, b, c = (r["id"] for r in first)

    rows = fused(
        db,
        "w",
        [a, b, 999_999],
        max_jobs=2,
        results=['{"ok": 1}', None, None],
        failed=[c],
        errors=["boom"],
    )
    assert [(r["outcome"], r["id"]) for r in rows[:1]] == [("lease_lost", 999_999)]
    assert [r["outcome"] for r in rows[1:]] == ["claimed", "claimed"]
    assert all(r["attempt"] == 1 and r["lease_expires_at"] is not None for r in rows[1:])
    states = dict(
        (r["id"], (r["state"], r["result"]))
        for r in db.execute(
            "SELECT id, state, result FROM xferity.jobs WHERE id = ANY(%s)", ([a, b, c],)
        )
    )
    assert states == {a: ("completed", {"ok": 1}), b: ("completed", None), c: ("available", None)}
    assert scalar(db, "SELECT reason FROM xferity.job_errors WHERE job_id = %s", (c,)) == "error"

    # max_jobs => 0 finishes and claims nothing (a worker shutting down).
    last = [r["id"] for r in rows[1:]]
    assert fused(db, "w", last, max_jobs=0, failed=[], permanent=[]) == []
    assert (
        scalar(
            db,
            "SELECT count(*) FROM xferity.jobs WHERE id = ANY(%s) AND state = 'completed'",
            (last,),
        )
        == 2
    )


def test_fused_call_reports_a_lost_lease_and_changes_nothing_for_it(db: Conn) -> None:
    enqueue_many(db, 1)
    [row] = fused(db, "w", lease="100 milliseconds")
    time.sleep(0.3)
    assert scalar(db, "SELECT xferity.reap_expired_jobs()") == 1
    [other] = fused(db, "x")
    assert other["id"] == row["id"] and other["attempt"] == 2
    lost = fused(db, "w", [row["id"]], max_jobs=0)
    assert [(r["outcome"], r["id"]) for r in lost] == [("lease_lost", row["id"])]
    assert fused(db, "w", failed=[row["id"]], max_jobs=0, permanent=[True]) == [{**lost[0]}]
    assert scalar(db, "SELECT locked_by || ':' || state FROM xferity.jobs") == "x:running"


def _plain_worker(dsn: str, name: str, seen: list[int], stop: threading.Event) -> None:
    rng = random.Random(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            batch = rng.choice((1, 3, 10))
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM xferity.claim_job(%s, NULL, %s)", (name, batch)
                )
            ]
            if not ids:
                return
            seen.extend(ids)
            if rng.random() < 0.5:
                done = conn.execute("SELECT xferity.complete_jobs(%s, %s)", (ids, name)).fetchone()
                assert done == (len(ids),)
            else:
                for job_id in ids:
                    ok = conn.execute(
                        "SELECT xferity.complete_job(%s, %s)", (job_id, name)
                    ).fetchone()
                    assert ok == (True,)


def _fused_worker(dsn: str, name: str, seen: list[int], stop: threading.Event) -> None:
    rng = random.Random(name)
    held: list[int] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT outcome, id FROM xferity.complete_and_claim_jobs("
                "%s, %s::bigint[], NULL, %s)",
                (name, held, rng.choice((1, 3, 10))),
            ).fetchall()
            assert all(outcome == "claimed" for outcome, _ in rows), rows
            held = [job_id for _, job_id in rows]
            seen.extend(held)
            if not held:
                return


def test_exactly_once_under_16_workers_mixing_fused_and_plain_calls(migrated_db: str) -> None:
    jobs = 4000
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "SELECT xferity.enqueue_jobs(array_agg('k'::text),"
            " array_agg(jsonb_build_object('n', g)),"
            " array_agg(CASE WHEN g %% 3 = 0 THEN 'a' ELSE 'b' END), NULL, array_agg(g %% 4))"
            " FROM generate_series(1, %s) AS g",
            (jobs,),
        )
    stop = threading.Event()
    seen: dict[str, list[int]] = {}
    threads = []
    for n in range(16):
        name = f"{'fused' if n % 2 else 'plain'}-{n}"
        seen[name] = []
        target = _fused_worker if n % 2 else _plain_worker
        threads.append(threading.Thread(target=target, args=(migrated_db, name, seen[name], stop)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    assert not any(thread.is_alive() for thread in threads)

    counts = Counter(job_id for ids in seen.values() for job_id in ids)
    assert len(counts) == jobs and set(counts.values()) == {1}
    assert all(seen[name] for name in seen if name.startswith("fused"))
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        summary = conn.execute(
            "SELECT state, min(attempt), max(attempt), count(*) FROM xferity.jobs GROUP BY state"
        ).fetchall()
        owners: dict[int, str] = dict(
            conn.execute("SELECT id, locked_by FROM xferity.jobs").fetchall()
        )
        assert rules_broken(conn) == []
    assert summary == [("completed", 1, 1, jobs)]
    for name, ids in seen.items():
        assert all(owners[job_id] == name for job_id in ids)


# -- set-based enqueue --------------------------------------------------------------------


def test_enqueue_jobs_takes_the_defaults_of_enqueue_job(db: Conn) -> None:
    single = scalar(db, "SELECT xferity.enqueue_job('k', NULL, NULL, NULL, NULL, NULL, NULL)")
    [many] = enqueue_many(db, 1, payloads=[None], queues=[None], run_ats=[None])
    a, b = db.execute(
        "SELECT queue, kind, payload, state, priority, attempt, max_attempts, dedupe_key, run_at "
        "FROM xferity.jobs WHERE id = ANY(%s) ORDER BY id",
        ([single, many],),
    ).fetchall()
    a.pop("run_at")
    assert abs((b.pop("run_at") - scalar(db, "SELECT now()")).total_seconds()) < 5
    assert a == b


def test_enqueue_jobs_returns_ids_in_input_order(db: Conn) -> None:
    ids = enqueue_many(
        db,
        5,
        payloads=[f'{{"n": {n}}}' for n in range(5)],
        queues=["q2", "q1", None, "q1", "q3"],
        priorities=[1, None, 7, 0, 3],
        max_attempts=[None, 5, None, None, 1],
    )
    rows = {
        r["id"]: r
        for r in db.execute("SELECT id, payload, queue, priority, max_attempts FROM xferity.jobs")
    }
    assert [rows[i]["payload"]["n"] for i in ids] == [0, 1, 2, 3, 4]
    assert [rows[i]["queue"] for i in ids] == ["q2", "q1", "default", "q1", "q3"]
    assert [rows[i]["priority"] for i in ids] == [1, 0, 7, 0, 3]
    assert [rows[i]["max_attempts"] for i in ids] == [3, 5, 3, 3, 1]
    assert enqueue_many(db, 0, kinds=[]) == []


def test_enqueue_jobs_refuses_bad_arrays_and_adds_nothing(db: Conn) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="as many elements"):
        enqueue_many(db, 2, queues=["a"])
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="kinds\\[2\\]"):
        enqueue_many(db, 2, kinds=["k", None])
    with pytest.raises(psycopg.errors.CheckViolation):
        enqueue_many(db, 2, max_attempts=[1, 0])
    assert job_count(db) == 0


def test_enqueue_jobs_dedupes_within_the_call_and_against_unfinished_jobs(db: Conn) -> None:
    held = scalar(db, "SELECT xferity.enqueue_job('k', dedupe_key => 'held')")
    ids = enqueue_many(db, 5, dedupe_keys=["x", "held", None, "x", "y"])
    assert ids[1] == held and ids[0] == ids[3] and len(set(ids)) == 4
    assert job_count(db) == 4
    # A finished job releases its key: the next call adds a new job for it.
    db.execute("SELECT * FROM xferity.claim_job('w', NULL, 10)")
    db.execute("SELECT xferity.complete_jobs(ARRAY(SELECT id FROM xferity.jobs), 'w')")
    again = enqueue_many(db, 2, dedupe_keys=["x", "x"])
    assert again[0] == again[1] and again[0] not in ids
    assert job_count(db) == 5


def test_enqueue_jobs_sends_one_notification_per_ready_queue(migrated_db: str) -> None:
    with (
        psycopg.connect(migrated_db, autocommit=True) as listener,
        psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as db,
    ):
        listener.execute(f"LISTEN {CHANNEL}")
        enqueue_many(
            db,
            6,
            queues=["a", "a", "b", "later", "b", "keyed"],
            run_ats=["now", "now", "now", "2999-01-01", "now", "now"],
            dedupe_keys=[None, None, None, None, "k1", "k2"],
        )
        got: list[str] = []
        deadline = time.monotonic() + 1.0
        for note in listener.notifies(timeout=1.0):
            got.append(note.payload)
            if time.monotonic() > deadline:
                break
        assert sorted(got) == ["a", "b", "keyed"]
        # Nothing new (every key held): no notification at all.
        enqueue_many(db, 1, queues=["b"], dedupe_keys=["k1"])
        assert list(listener.notifies(timeout=0.5)) == []


def test_concurrent_enqueue_jobs_with_overlapping_keys_add_each_key_once(migrated_db: str) -> None:
    keys = [f"key-{n}" for n in range(300)]
    results: dict[int, dict[str, int]] = {}
    start = threading.Barrier(8)

    def enqueue(worker: int) -> None:
        mine = random.Random(worker).sample(keys, 200)
        with psycopg.connect(migrated_db, autocommit=True) as conn:
            start.wait()
            if worker % 4 == 3:  # the single-row API racing the set-based one
                got = [
                    conn.execute(
                        "SELECT xferity.enqueue_job('k', dedupe_key => %s)", (k,)
                    ).fetchone()
                    for k in mine
                ]
                results[worker] = {k: row[0] for k, row in zip(mine, got, strict=True) if row}
                return
            row = conn.execute(
                "SELECT xferity.enqueue_jobs(%s::text[], dedupe_keys => %s::text[])",
                (["k"] * len(mine), mine),
            ).fetchone()
            assert row is not None
            results[worker] = dict(zip(mine, row[0], strict=True))

    threads = [threading.Thread(target=enqueue, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 8

    with psycopg.connect(migrated_db, autocommit=True) as conn:
        stored: dict[str, int] = dict(
            conn.execute("SELECT dedupe_key, id FROM xferity.jobs").fetchall()
        )
    assert len(stored) == conn_count(migrated_db)
    for mapping in results.values():
        for key, job_id in mapping.items():
            assert stored[key] == job_id


def conn_count(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM xferity.jobs").fetchone()
    assert row is not None
    return int(row[0])


# -- rollback -----------------------------------------------------------------------------


def test_rollback_restores_the_0012_api_and_reapplies(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute("SELECT xferity.enqueue_job('k') FROM generate_series(1, 3)")
        with conn.transaction():
            conn.execute(ROLLBACK.read_text().encode())
        left = conn.execute(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'xferity'::regnamespace "
            "AND proname IN ('enqueue_jobs', 'complete_and_claim_jobs') "
            "UNION ALL SELECT relname FROM pg_class WHERE relname = 'jobs_claim_queue_idx'"
        ).fetchall()
        assert left == []
        # The 0012 claim again: no upper bound on the lease.
        rows = conn.execute("SELECT id FROM xferity.claim_job('w', NULL, 1, '200 years')")
        assert len(rows.fetchall()) == 1
        with conn.transaction():
            conn.execute(MIGRATION.read_text().encode())
        assert (
            len(
                conn.execute("SELECT * FROM xferity.claim_job('w', ARRAY['default'], 5)").fetchall()
            )
            == 2
        )
