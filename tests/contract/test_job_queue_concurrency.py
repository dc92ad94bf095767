"""The job queue under concurrency and crashes, on a real server.

- No double execution: 16 workers, each on its own connection, drain 20,000 jobs.
- Crash recovery: a dropped connection and a SIGKILLed worker process lose no job.
- A worker written with nothing but sh and psql works the queue beside Python workers.
- Concurrent enqueues with one dedupe key create one job.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from tests.support.leases import expire_job_leases
from tests.support.waiting import wait_for
from tests.support.workers import require_psql, start_psql_worker

# The worker in POSIX sh + psql that the README shows.

# A worker process that claims, reports what it holds, and then hangs until it is killed.
DOOMED_WORKER = """
import json, sys, time
import psycopg
dsn, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with psycopg.connect(dsn, autocommit=True) as conn:
    rows = conn.execute(
        "SELECT id FROM xferity.claim_job(%s, NULL, %s)", (worker, count)
    ).fetchall()
    print(json.dumps([r[0] for r in rows]), flush=True)
    time.sleep(600)
"""


def enqueue_many(dsn: str, count: int, kind: str = "test") -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "SELECT xferity.enqueue_job(%s, jsonb_build_object('n', g)) "
            "FROM generate_series(1, %s) AS g",
            (kind, count),
        )


def drain(dsn: str, worker: str, batch: int, start: threading.Barrier | None = None) -> list[int]:
    """A well-behaved worker: claim a batch, complete it, until nothing is claimable.

    Returns every job id it completed, for counting on the client side."""
    completed: list[int] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        if start is not None:
            start.wait()
        while True:
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM xferity.claim_job(%s, NULL, %s)", (worker, batch)
                )
            ]
            if not ids:
                return completed
            row = conn.execute("SELECT xferity.complete_jobs(%s, %s)", (ids, worker)).fetchone()
            assert row == (len(ids),), f"{worker} lost a lease it had just taken"
            completed.extend(ids)


def rescue_and_drain(dsn: str, worker: str, total: int, deadline: float) -> list[int]:
    """A survivor: reap expired leases and drain, until every job is finished."""
    completed: list[int] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            conn.execute("SELECT xferity.reap_expired_jobs()")
            completed += drain(dsn, worker, 5)
            finished = conn.execute(
                "SELECT count(*) FROM xferity.jobs WHERE state = 'completed'"
            ).fetchone()
            if finished == (total,):
                return completed
            time.sleep(0.1)
    raise AssertionError(f"{worker}: jobs still unfinished at the deadline")


def run_survivors(dsn: str, workers: int, total: int, timeout: float = 30) -> Counter[int]:
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(rescue_and_drain, dsn, f"survivor-{n}", total, deadline)
            for n in range(workers)
        ]
        return Counter(job_id for future in futures for job_id in future.result())


def assert_all_completed_once(dsn: str, completions: Counter[int], total: int) -> None:
    duplicates = {job_id: n for job_id, n in completions.items() if n != 1}
    assert duplicates == {}, "jobs completed more than once"
    assert len(completions) == total
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT id FROM xferity.jobs WHERE state = 'completed' AND finished_at IS NOT NULL"
        ).fetchall()
        assert {row[0] for row in rows} == set(completions)
        assert conn.execute("SELECT count(*) FROM xferity.jobs").fetchone() == (total,)


# -- no double execution -------------------------------------------------------------------


@pytest.mark.slow
def test_sixteen_workers_drain_20000_jobs_exactly_once(migrated_db: str) -> None:
    total, workers, batch = 20_000, 16, 50
    enqueue_many(migrated_db, total)
    start = threading.Barrier(workers)
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(drain, migrated_db, f"worker-{n}", batch, start) for n in range(workers)
        ]
        per_worker = [future.result() for future in futures]
    elapsed = time.monotonic() - started

    completions = Counter(job_id for ids in per_worker for job_id in ids)
    assert_all_completed_once(migrated_db, completions, total)
    with psycopg.connect(migrated_db) as conn:
        # Nobody claimed a job twice: every job ran on its first and only attempt ...
        assert conn.execute("SELECT min(attempt), max(attempt) FROM xferity.jobs").fetchone() == (
            1,
            1,
        )
        # ... by the worker that reported it.
        owners: dict[int, str] = dict(
            conn.execute("SELECT id, locked_by FROM xferity.jobs").fetchall()
        )
    for n, ids in enumerate(per_worker):
        assert all(owners[job_id] == f"worker-{n}" for job_id in ids)
    assert sum(1 for ids in per_worker if ids) > 1, "the work was not shared"
    assert elapsed < 60, f"draining took {elapsed:.1f}s"


def test_concurrent_enqueues_with_one_dedupe_key_make_one_job(migrated_db: str) -> None:
    threads, rounds = 8, 25
    start = threading.Barrier(threads)

    def enqueue_rounds() -> list[int]:
        ids = []
        with psycopg.connect(migrated_db, autocommit=True) as conn:
            for n in range(rounds):
                start.wait()
                row = conn.execute(
                    "SELECT xferity.enqueue_job('k', dedupe_key => %s)", (f"key-{n}",)
                ).fetchone()
                assert row is not None
                ids.append(row[0])
        return ids

    with ThreadPoolExecutor(threads) as pool:
        results = [f.result() for f in [pool.submit(enqueue_rounds) for _ in range(threads)]]
    for n in range(rounds):
        assert len({ids[n] for ids in results}) == 1, f"round {n} created several jobs"
    with psycopg.connect(migrated_db) as conn:
        assert conn.execute("SELECT count(*) FROM xferity.jobs").fetchone() == (rounds,)


# -- crash recovery ------------------------------------------------------------------------


def test_jobs_of_a_dropped_connection_run_again(migrated_db: str) -> None:
    total = 40
    enqueue_many(migrated_db, total)

    # Claimed and committed, then the connection goes away without completing.
    victim = psycopg.connect(migrated_db, autocommit=True)
    lost = [
        row[0] for row in victim.execute("SELECT id FROM xferity.claim_job('victim', NULL, 10)")
    ]
    victim.close()
    # Claimed inside a transaction that never commits: the claim itself is undone.
    uncommitted = psycopg.connect(migrated_db)
    undone = [
        row[0] for row in uncommitted.execute("SELECT id FROM xferity.claim_job('ghost', NULL, 5)")
    ]
    uncommitted.close()
    assert len(lost) == 10 and len(undone) == 5
    # Nobody will complete the victim's jobs: their lease ends (moved, not waited for).
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        assert expire_job_leases(conn, "victim") == 10

    completions = run_survivors(migrated_db, 4, total)
    assert_all_completed_once(migrated_db, completions, total)
    with psycopg.connect(migrated_db) as conn:
        attempts: dict[int, int] = dict(
            conn.execute("SELECT id, attempt FROM xferity.jobs").fetchall()
        )
        errors = conn.execute(
            "SELECT job_id, attempt, worker_id, reason FROM xferity.job_errors ORDER BY job_id"
        ).fetchall()
    assert {attempts[job_id] for job_id in lost} == {2}
    assert {attempts[job_id] for job_id in undone} == {1}
    assert errors == [(job_id, 1, "victim", "lease_expired") for job_id in sorted(lost)]


def test_jobs_of_a_sigkilled_worker_run_again(migrated_db: str, tmp_path: Path) -> None:
    total = 30
    enqueue_many(migrated_db, total)
    script = tmp_path / "doomed_worker.py"
    script.write_text(DOOMED_WORKER)
    doomed = subprocess.Popen(
        [sys.executable, str(script), migrated_db, "doomed", "8"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert doomed.stdout is not None
        held = json.loads(doomed.stdout.readline())
        assert len(held) == 8
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    assert doomed.returncode == -signal.SIGKILL
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        assert expire_job_leases(conn, "doomed") == 8

    completions = run_survivors(migrated_db, 4, total)
    assert_all_completed_once(migrated_db, completions, total)
    with psycopg.connect(migrated_db) as conn:
        rerun = conn.execute("SELECT id FROM xferity.jobs WHERE attempt = 2 ORDER BY id").fetchall()
        reaped = conn.execute(
            "SELECT job_id FROM xferity.job_errors "
            "WHERE worker_id = 'doomed' AND reason = 'lease_expired' ORDER BY job_id"
        ).fetchall()
    assert [row[0] for row in rerun] == sorted(held)
    assert [row[0] for row in reaped] == sorted(held)


# -- a worker in any language: sh + psql ---------------------------------------------------


def test_psql_only_worker_completes_jobs_beside_python_workers(migrated_db: str) -> None:
    require_psql()
    total = 60
    enqueue_many(migrated_db, total)
    shell_workers = [start_psql_worker(migrated_db) for _ in range(2)]

    def shell_workers_started() -> bool:
        with psycopg.connect(migrated_db) as conn:
            row = conn.execute(
                "SELECT count(*) FROM xferity.jobs WHERE locked_by LIKE 'sh:%%'"
            ).fetchone()
        return row is not None and row[0] > 0

    wait_for(shell_workers_started, timeout=20)

    def slow_python_worker(name: str) -> list[int]:
        done: list[int] = []
        while batch := drain_one(migrated_db, name):
            done.extend(batch)
            time.sleep(0.02)  # a job takes a little while
        return done

    with ThreadPoolExecutor(2) as pool:
        python_done = [
            job_id
            for future in [pool.submit(slow_python_worker, f"py-{n}") for n in range(2)]
            for job_id in future.result()
        ]
    outputs = []
    for process in shell_workers:
        out, _ = process.communicate(timeout=60)
        outputs.append(out)
        assert process.returncode == 0, out

    with psycopg.connect(migrated_db) as conn:
        rows = conn.execute(
            "SELECT id, state, attempt, locked_by, result FROM xferity.jobs"
        ).fetchall()
        registered = conn.execute(
            "SELECT count(*) FROM xferity.workers WHERE info ->> 'language' = 'sh'"
        ).fetchone()
    assert {(state, attempt) for _, state, attempt, _, _ in rows} == {("completed", 1)}
    by_shell = [job_id for job_id, _, _, owner, _ in rows if owner.startswith("sh:")]
    assert by_shell and python_done
    assert len(by_shell) + len(python_done) == total
    assert set(by_shell).isdisjoint(python_done)
    # The shell workers stored the handler's output (default handler: echo KIND PAYLOAD).
    results = {job_id: result for job_id, _, _, owner, result in rows if owner.startswith("sh:")}
    assert all(result["output"].startswith("test {") for result in results.values())
    assert sum(out.count(": completed") for out in outputs) == len(by_shell)
    assert registered == (2,)


def drain_one(dsn: str, worker: str) -> list[int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM xferity.claim_job(%s)", (worker,))]
        if ids:
            assert conn.execute(
                "SELECT xferity.complete_jobs(%s, %s)", (ids, worker)
            ).fetchone() == (len(ids),)
        return ids
