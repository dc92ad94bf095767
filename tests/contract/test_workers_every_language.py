"""Workers in Python, sh+psql and Node drain one queue together: every job done exactly once.

The workers are real processes (psql, node) and real connections; nothing is simulated."""

from __future__ import annotations

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.support.pgbouncer import running_pgbouncer
from tests.support.workers import (
    completed_ids,
    require_node_worker,
    require_psql,
    start_node_worker,
    start_psql_worker,
)

JOBS = 400
WORK_MS = 15  # each job "works" this long, so that every worker gets a share


def enqueue(dsn: str, count: int) -> list[int]:
    payload = json.dumps({"sleep_ms": WORK_MS})
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT xferity.enqueue_job('mixed', %s::jsonb) FROM generate_series(1, %s)",
            (payload, count),
        ).fetchall()
    return [int(str(r[0])) for r in rows]


def python_worker(dsn: str, name: str) -> list[int]:
    """The protocol in Python; prepare_threshold=None keeps it safe behind a pooler too."""
    done: list[int] = []
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        conn.execute("SELECT xferity.register_worker(%s, 'pytest', '{}')", (name,))
        while True:
            claimed = conn.execute(
                "SELECT id FROM xferity.claim_job(%s, NULL, 2)", (name,)
            ).fetchall()
            if not claimed:
                return done
            for (job_id,) in claimed:
                time.sleep(WORK_MS / 1000)
                row = conn.execute(
                    'SELECT xferity.complete_job(%s, %s, \'{"handled_by": "python"}\')',
                    (job_id, name),
                ).fetchone()
                assert row is not None and row[0] is True
                done.append(int(str(job_id)))


def drain_with_every_language(dsn: str) -> dict[str, list[int]]:
    node_workers = [start_node_worker(dsn, batch=n) for n in (1, 3)]
    shell_workers = [start_psql_worker(dsn)]
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(python_worker, dsn, f"py-{n}") for n in range(2)]
        python_done = [job for future in futures for job in future.result()]
    outputs = {"node": "", "psql": ""}
    for language, processes in (("node", node_workers), ("psql", shell_workers)):
        for process in processes:
            out, _ = process.communicate(timeout=120)
            assert process.returncode == 0, out
            outputs[language] += out
    return {
        "python": python_done,
        "node": completed_ids(outputs["node"]),
        "psql": completed_ids(outputs["psql"]),
    }


def assert_exactly_once(dsn: str, ids: list[int], done: dict[str, list[int]]) -> None:
    every = [job for jobs in done.values() for job in jobs]
    assert sorted(every) == sorted(ids), "a job was lost or done twice"
    for language, jobs in done.items():
        assert jobs, f"the {language} worker did no job: the test proves nothing about it"
    with psycopg.connect(dsn) as conn:
        states = dict(
            conn.execute(
                "SELECT state, count(*) FROM xferity.jobs WHERE kind = 'mixed' GROUP BY state"
            ).fetchall()
        )
        errors = conn.execute("SELECT count(*) FROM xferity.job_errors").fetchone()
        handled = dict(
            conn.execute(
                "SELECT result->>'handled_by', count(*) FROM xferity.jobs "
                "WHERE kind = 'mixed' AND result ? 'handled_by' GROUP BY 1"
            ).fetchall()
        )
    assert states == {"completed": len(ids)}
    assert errors is not None and errors[0] == 0
    assert handled.get("node") == len(done["node"])
    assert handled.get("python") == len(done["python"])


def test_python_psql_and_node_workers_drain_one_queue(migrated_db: str) -> None:
    require_psql()
    require_node_worker()
    ids = enqueue(migrated_db, JOBS)
    done = drain_with_every_language(migrated_db)
    assert_exactly_once(migrated_db, ids, done)


def test_every_language_drains_one_queue_through_pgbouncer(migrated_db: str) -> None:
    """Transaction pooling, 2 server connections for 5 workers: every call of the protocol must
    be a self-contained transaction that never relies on a session (no server-side prepared
    statements, no session state). psycopg: prepare_threshold=None; node-postgres: unnamed
    statements (its default); psql: the simple query protocol."""
    require_psql()
    require_node_worker()
    ids = enqueue(migrated_db, JOBS)
    with running_pgbouncer(migrated_db, pool_size=2) as bouncer:
        done = drain_with_every_language(bouncer.dsn(migrated_db))
    assert_exactly_once(migrated_db, ids, done)


def test_node_worker_fails_a_job_whose_handler_throws(migrated_db: str) -> None:
    """An unknown payload shape is still handled; a failing handler's error is recorded."""
    require_node_worker()
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xferity.enqueue_job('mixed', '{\"sleep_ms\": \"not a number\"}')"
        ).fetchone()
    assert row is not None
    worker = start_node_worker(migrated_db)
    out, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, out
    assert completed_ids(out) == [row[0]]


@pytest.mark.parametrize("bad", ["", "postgresql://nobody@127.0.0.1:1/x"])
def test_node_worker_reports_a_bad_connection_in_one_line(bad: str) -> None:
    node = require_node_worker()
    from tests.support.workers import NODE_WORKER_DIR

    result = subprocess.run(
        [node, str(NODE_WORKER_DIR / "worker.mjs"), bad],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
