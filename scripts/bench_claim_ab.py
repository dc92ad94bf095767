"""Claim latency of the installed claim_job against an earlier migration's, call by call.

    python scripts/bench_claim_ab.py --dsn "$(cat /tmp/bench.dsn)" \
        --worker-dsn "$(cat /tmp/bench-worker.dsn)" \
        --against sql/migrations/0022_claim_from_each_queue_head.sql [--batch 10] \
        [--calls 3000] [--queues all|q1,q2]

It installs the claim_job of --against beside the current one as xferity.claim_job_before,
fills one queue, then alternates the two call by call on one connection as the worker login
(synchronous_commit off for the session), each claim followed by complete_jobs. Both read the
same table at the same moment, so a difference of a few microseconds shows that a
side-by-side run of whole benchmarks, minutes apart on a noisy machine, cannot. It prints
the p25, p50 and mean of each, in microseconds of claim round trip, and drops
claim_job_before again. The first 200 calls are a warm-up.

The database must be migrated and scratch: the script empties xferity.jobs (bench_queue.fill).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg
from bench_queue import FUNCTIONS, fill, percentile
from psycopg import sql

Conn = psycopg.Connection[tuple[object, ...]]
BEFORE = "claim_job_before"
SIGNATURE = "(text, text[], integer, interval)"
WARM_UP = 200


def earlier_claim_job(migration: Path) -> str:
    """That migration's claim_job, renamed to claim_job_before."""
    try:
        text = migration.read_text()
    except OSError as error:
        raise SystemExit(f"error: cannot read {migration}: {error.strerror}") from None
    start = text.find("CREATE OR REPLACE FUNCTION xferity.claim_job(")
    if start < 0:
        start = text.find("CREATE FUNCTION xferity.claim_job(")
    if start < 0:
        raise SystemExit(f"error: {migration} does not define xferity.claim_job")
    end = text.index("$$;", start) + 3
    return (
        text[start:end]
        .replace("xferity.claim_job(", f"xferity.{BEFORE}(")
        .replace("claim_job.", f"{BEFORE}.")
    )


def enqueue_into(queue: str) -> str:
    """bench_queue.fill's enqueue statement, with every job in `queue`."""
    return (
        sql.SQL(
            "SELECT xferity.enqueue_jobs(array_agg('bench'::text), NULL, array_agg({}::text))"
            " FROM generate_series(1, %(count)s)"
        )
        .format(sql.Literal(queue))
        .as_string()
    )


def measure(
    worker: Conn, queues: list[str] | None, batch: int, calls: int
) -> dict[str, list[float]]:
    worker.execute("SET synchronous_commit = off")
    claims = {
        "installed": "SELECT id FROM xferity.claim_job('ab', %s, %s)",
        "before": f"SELECT id FROM xferity.{BEFORE}('ab', %s, %s)",
    }
    times: dict[str, list[float]] = {name: [] for name in claims}
    for call in range(2 * (calls + WARM_UP)):
        name = "installed" if call % 2 == 0 else "before"
        started = time.perf_counter_ns()
        ids = [row[0] for row in worker.execute(claims[name], (queues, batch))]
        elapsed = (time.perf_counter_ns() - started) / 1000
        if len(ids) != batch:
            raise SystemExit(f"error: a claim of {batch} returned {len(ids)} jobs")
        worker.execute("SELECT xferity.complete_jobs(%s, 'ab')", (ids,))
        if call >= 2 * WARM_UP:
            times[name].append(elapsed)
        if call % 2000 == 1999:
            print(f"  {call + 1} of {2 * (calls + WARM_UP)} calls", file=sys.stderr)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True, help="DSN of the database's owner")
    parser.add_argument("--worker-dsn", help="DSN of the worker login (default: --dsn)")
    parser.add_argument("--against", required=True, type=Path, help="an earlier migration file")
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--calls", type=int, default=3000, help="calls of each claim_job")
    parser.add_argument("--queues", default="all", help="'all' or a comma-separated list")
    args = parser.parse_args()
    queues = None if args.queues == "all" else args.queues.split(",")
    function = earlier_claim_job(args.against)
    try:
        with (
            psycopg.connect(args.dsn, autocommit=True) as owner,
            psycopg.connect(args.worker_dsn or args.dsn, autocommit=True) as worker,
        ):
            login = worker.execute("SELECT current_user").fetchone()
            assert login is not None
            owner.execute(function.encode())
            try:
                owner.execute(
                    sql.SQL("GRANT EXECUTE ON FUNCTION {}{} TO {}").format(
                        sql.Identifier("xferity", BEFORE),
                        sql.SQL(SIGNATURE),
                        sql.Identifier(str(login[0])),
                    )
                )
                fill(
                    args.dsn,
                    FUNCTIONS,
                    enqueue_into((queues or ["default"])[0]),
                    args.batch * 2 * (args.calls + WARM_UP) + 1000,
                )
                times = measure(worker, queues, args.batch, args.calls)
            finally:
                owner.execute(
                    sql.SQL("DROP FUNCTION IF EXISTS {}{}").format(
                        sql.Identifier("xferity", BEFORE), sql.SQL(SIGNATURE)
                    )
                )
    except psycopg.Error as error:
        raise SystemExit(f"error: {str(error).splitlines()[0]}") from None
    print(f"claim_job({args.batch}) on {args.queues}, {args.calls} calls each, interleaved:")
    medians = {name: percentile(values, 0.50) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"  {name:9} p25 {percentile(values, 0.25):7.1f} us  p50 {medians[name]:7.1f} us"
            f"  mean {statistics.mean(values):7.1f} us"
        )
    print(f"  installed / before, p50: {medians['installed'] / medians['before']:.3f}")


if __name__ == "__main__":
    main()
