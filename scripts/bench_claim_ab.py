"""Claim latency of the installed job API against an earlier migration's, call by call.

    python scripts/bench_claim_ab.py --dsn "$(cat /tmp/bench.dsn)" \
        --worker-dsn "$(cat /tmp/bench-worker.dsn)" \
        --against sql/migrations/0022_claim_from_each_queue_head.sql [--batch 10] \
        [--calls 3000] [--queues all|q1,q2] [--call claim|fused]

It installs the functions of the job API that --against defines (claim_job,
claim_queue_heads and complete_and_claim_jobs, those it defines; claim_job for --call claim,
complete_and_claim_jobs for --call fused) beside the current ones, each renamed with a
`_before` suffix and calling the others' renamed copies (the installed ones where the file
has none), fills one queue, then alternates the two versions call by call on one connection
as the worker login (synchronous_commit off for the session). With --call claim (the
default) each claim_job is followed by complete_jobs; with --call fused each
complete_and_claim_jobs completes the jobs its own previous call claimed. Both read the same
table at the same moment, so a difference of a few microseconds shows that a side-by-side
run of whole benchmarks, minutes apart on a noisy machine, cannot. It prints the p25, p50
and mean of each, in microseconds of round trip per call, and drops the copies again. The
first 200 calls are a warm-up.

A rollback file restates the functions as they were before its migration:
`--against sql/migrations/0026_fused_claims_inline.rollback.sql --call fused` measures 0026's
fused call against 0025's.

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
SUFFIX = "_before"
# The functions a file may define, with their signatures.
SIGNATURES = {
    "claim_queue_heads": "(text[], bigint)",
    "claim_job": "(text, text[], integer, interval)",
    "complete_and_claim_jobs": (
        "(text, bigint[], text[], integer, interval, jsonb[], bigint[], text[], boolean[])"
    ),
}
CALLS = {
    "claim": "SELECT id FROM xferity.claim_job{}('ab', %s, %s)",
    "fused": (
        "SELECT outcome, id FROM xferity.complete_and_claim_jobs{}('ab', %s::bigint[], %s, %s)"
    ),
}
WARM_UP = 200


def definition(text: str, name: str) -> str | None:
    """The CREATE [OR REPLACE] FUNCTION xferity.<name>(...) ... $$; of a migration, or None."""
    for head in (f"CREATE OR REPLACE FUNCTION xferity.{name}(", f"CREATE FUNCTION xferity.{name}("):
        start = text.find(head)
        if start >= 0:
            return text[start : text.index("$$;", start) + 3]
    return None


def earlier_functions(migration: Path, call: str) -> dict[str, str]:
    """The job functions that migration defines, each renamed with SUFFIX, by name."""
    try:
        text = migration.read_text()
    except OSError as error:
        raise SystemExit(f"error: cannot read {migration}: {error.strerror}") from None
    found = {name: body for name in SIGNATURES if (body := definition(text, name)) is not None}
    needed = "claim_job" if call == "claim" else "complete_and_claim_jobs"
    # The fused call of a file that does not restate claim_job calls the installed one.
    if needed not in found:
        raise SystemExit(
            f"error: {migration} does not define xferity.{needed}"
            + ("" if needed == "claim_job" else " (a rollback file restates it)")
        )
    renamed = {}
    for name, body in found.items():
        for other in found:
            body = body.replace(f"xferity.{other}(", f"xferity.{other}{SUFFIX}(")
            body = body.replace(f"{other}.", f"{other}{SUFFIX}.")
        renamed[name] = body.replace("CREATE OR REPLACE FUNCTION", "CREATE FUNCTION")
    return renamed


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
    worker: Conn, call: str, queues: list[str] | None, batch: int, calls: int
) -> dict[str, list[float]]:
    worker.execute("SET synchronous_commit = off")
    statements = {"installed": CALLS[call].format(""), "before": CALLS[call].format(SUFFIX)}
    times: dict[str, list[float]] = {name: [] for name in statements}
    pending: dict[str, list[int]] = {name: [] for name in statements}
    for number in range(2 * (calls + WARM_UP)):
        name = "installed" if number % 2 == 0 else "before"
        params: tuple[object, ...] = (
            (queues, batch) if call == "claim" else (pending[name], queues, batch)
        )
        started = time.perf_counter_ns()
        rows = worker.execute(statements[name], params).fetchall()
        elapsed = (time.perf_counter_ns() - started) / 1000
        ids = [int(str(row[-1])) for row in rows if call == "claim" or row[0] == "claimed"]
        if len(ids) != batch or len(rows) != len(ids):
            raise SystemExit(f"error: a call claiming {batch} returned {len(rows)} rows")
        if call == "claim":
            worker.execute("SELECT xferity.complete_jobs(%s, 'ab')", (ids,))
        pending[name] = ids
        if number >= 2 * WARM_UP:
            times[name].append(elapsed)
        if number % 2000 == 1999:
            print(f"  {number + 1} of {2 * (calls + WARM_UP)} calls", file=sys.stderr)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True, help="DSN of the database's owner")
    parser.add_argument("--worker-dsn", help="DSN of the worker login (default: --dsn)")
    parser.add_argument("--against", required=True, type=Path, help="an earlier migration file")
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--calls", type=int, default=3000, help="calls of each claim_job")
    parser.add_argument("--queues", default="all", help="'all' or a comma-separated list")
    parser.add_argument(
        "--call",
        choices=sorted(CALLS),
        default="claim",
        help="claim: claim_job then complete_jobs; fused: complete_and_claim_jobs",
    )
    args = parser.parse_args()
    queues = None if args.queues == "all" else args.queues.split(",")
    functions = earlier_functions(args.against, args.call)
    try:
        with (
            psycopg.connect(args.dsn, autocommit=True) as owner,
            psycopg.connect(args.worker_dsn or args.dsn, autocommit=True) as worker,
        ):
            login = worker.execute("SELECT current_user").fetchone()
            assert login is not None
            try:
                for name, body in functions.items():
                    owner.execute(body.encode())
                    owner.execute(
                        sql.SQL("GRANT EXECUTE ON FUNCTION {}{} TO {}").format(
                            sql.Identifier("xferity", name + SUFFIX),
                            sql.SQL(SIGNATURES[name]),
                            sql.Identifier(str(login[0])),
                        )
                    )
                fill(
                    args.dsn,
                    FUNCTIONS,
                    enqueue_into((queues or ["default"])[0]),
                    args.batch * 2 * (args.calls + WARM_UP) + 1000,
                )
                times = measure(worker, args.call, queues, args.batch, args.calls)
            finally:
                for name in functions:
                    owner.execute(
                        sql.SQL("DROP FUNCTION IF EXISTS {}{}").format(
                            sql.Identifier("xferity", name + SUFFIX), sql.SQL(SIGNATURES[name])
                        )
                    )
    except psycopg.Error as error:
        raise SystemExit(f"error: {str(error).splitlines()[0]}") from None
    called = "claim_job" if args.call == "claim" else "complete_and_claim_jobs"
    print(f"{called}({args.batch}) on {args.queues}, {args.calls} calls each, interleaved:")
    medians = {name: percentile(values, 0.50) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"  {name:9} p25 {percentile(values, 0.25):7.1f} us  p50 {medians[name]:7.1f} us"
            f"  mean {statistics.mean(values):7.1f} us"
        )
    print(f"  installed / before, p50: {medians['installed'] / medians['before']:.3f}")


if __name__ == "__main__":
    main()
