"""Server CPU per job of the queue's hot paths, beside the bare SQL, read from the backend's
/proc/<pid>/schedstat: what the job API costs the server, free of client and commit latency.

    python scripts/bench_queue_cpu.py --dsn "$(cat /tmp/bench.dsn)" \
        [--worker-dsn "$(cat /tmp/bench-worker.dsn)"] [--jobs 4000] [--rounds 5] [--paths ...]

Paths: `fused1` (complete_and_claim_jobs at batch 1: one call per job), `api10` and `api100`
(claim_job of 10 or 100, then complete_jobs), and the bare SQL on the table of
scripts/bench_bare.sql at batch 1, 10 and 100: the statements, fill, truncate and vacuum of
bench_queue.py's functions and bare variants (claim with WITH ... FOR UPDATE SKIP LOCKED ...
UPDATE, finish with one UPDATE). One connection, synchronous_commit off for the session (the
commit's flush wait is not CPU, and only adds noise), every path in every round, rounds
interleaved. With --worker-dsn the job API's paths log in as that role (bench_server.py's
worker login), as Xferity's workers do; as the owner or a superuser, the jobs_check_rules
trigger also runs for every row the functions write. Prints the per-round figures sorted and
their median, in microseconds of backend CPU per job.

The server must run on this machine (the script reads its backend's /proc entry); the
database must be migrated and scratch: the script truncates xferity.jobs and recreates the
xferity_bench schema.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
from bench_queue import (
    BARE,
    BARE_ENQUEUE,
    ENQUEUE_SET,
    FUNCTIONS,
    Variant,
    create_bare_table,
    fill,
)

from xferity_schema.core.edge import fail, one_line_errors
from xferity_schema.core.errors import ExitCode

FUSED = (
    "SELECT outcome, id, payload FROM xferity.complete_and_claim_jobs("
    "%(worker)s, %(ids)s::bigint[], NULL, %(batch)s)"
)

Conn = psycopg.Connection[tuple[object, ...]]


def backend_cpu_seconds(pid: int) -> float:
    # The first field of schedstat is the time the task ran on a CPU, in nanoseconds: finer
    # than /proc/<pid>/stat's clock ticks.
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def claim_and_finish(variant: Variant, batch: int) -> Callable[[Conn], int]:
    def run(conn: Conn) -> int:
        done = 0
        while True:
            params = {"worker": "cpu", "batch": batch}
            ids = [row[0] for row in conn.execute(variant.claim, params, prepare=True)]
            if not ids:
                return done
            conn.execute(variant.finish, {"worker": "cpu", "ids": ids}, prepare=True)
            done += len(ids)

    return run


def fused(batch: int) -> Callable[[Conn], int]:
    def run(conn: Conn) -> int:
        done, held = 0, list[object]()
        while True:
            params = {"worker": "cpu", "ids": held, "batch": batch}
            rows = conn.execute(FUSED, params, prepare=True).fetchall()
            done += len(held)
            held = [row[1] for row in rows]
            if not held:
                return done

    return run


# Each path, the table it works (filled with the set-based enqueue of its kind), and its loop.
PATHS: dict[str, tuple[Variant, str, Callable[[Conn], int]]] = {
    "fused1": (FUNCTIONS, ENQUEUE_SET, fused(1)),
    "bare1": (BARE, BARE_ENQUEUE, claim_and_finish(BARE, 1)),
    "api10": (FUNCTIONS, ENQUEUE_SET, claim_and_finish(FUNCTIONS, 10)),
    "bare10": (BARE, BARE_ENQUEUE, claim_and_finish(BARE, 10)),
    "api100": (FUNCTIONS, ENQUEUE_SET, claim_and_finish(FUNCTIONS, 100)),
    "bare100": (BARE, BARE_ENQUEUE, claim_and_finish(BARE, 100)),
}


@one_line_errors
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", required=True, help="libpq DSN or URL of a migrated database")
    parser.add_argument(
        "--worker-dsn", help="DSN of the worker login, for the job API's paths (default: --dsn)"
    )
    parser.add_argument("--jobs", type=int, default=4000, help="jobs per path and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated")
    args = parser.parse_args()
    paths = [p for p in args.paths.split(",") if p]
    unknown = sorted(set(paths) - set(PATHS))
    if unknown:
        fail(f"unknown path(s) {', '.join(unknown)}; known: {', '.join(PATHS)}", ExitCode.USAGE)
    try:
        create_bare_table(args.dsn)
        figures: dict[str, list[float]] = {p: [] for p in paths}
        for round_ in range(args.rounds):
            for path in paths:
                variant, enqueue, run = PATHS[path]
                fill(args.dsn, variant, enqueue, args.jobs)
                dsn = args.worker_dsn if args.worker_dsn and variant is FUNCTIONS else args.dsn
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute("SET synchronous_commit = off")
                    pid = conn.info.backend_pid
                    before = backend_cpu_seconds(pid)
                    done = run(conn)
                    used = backend_cpu_seconds(pid) - before
                if done != args.jobs:
                    fail(f"{path} finished {done} of {args.jobs} jobs", ExitCode.FAILURE)
                figures[path].append(used / done * 1e6)
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    except OSError as exc:
        fail(str(exc).splitlines()[0], ExitCode.FAILURE)
    print("path     median   per round (us of backend CPU per job, sorted)")
    for path, values in figures.items():
        cells = " ".join(f"{v:6.1f}" for v in sorted(values))
        print(f"{path:8} {statistics.median(values):6.1f}   {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
