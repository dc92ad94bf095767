#!/usr/bin/env python3
"""What queue stats cost with a long history: xferity.queue_stats() (0015) against the
0012 view xferity.queue_depth, side by side on one server, with N finished jobs kept.

    python scripts/bench_queue_stats.py                      # throwaway PostgreSQL 18
    python scripts/bench_queue_stats.py --pg-bin .xferity-cache/pg/13/bin --finished 1000000

Prints the median and p95 of each query over --rounds calls, and the ratio."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.servers.scratch import scratch_server

QUERIES = {
    "queue_stats()": "SELECT * FROM xferity.queue_stats()",
    "queue_depth (0012 view)": "SELECT * FROM xferity.queue_depth",
}


def load(conn: psycopg.Connection[tuple[object, ...]], finished: int, waiting: int) -> None:
    conn.execute(
        "INSERT INTO xferity.jobs (queue, kind, state, attempt, max_attempts, locked_by, "
        "locked_at, finished_at, run_at) "
        "SELECT 'q' || (g %% 8), 'old', CASE WHEN g %% 50 = 0 THEN 'failed' ELSE 'completed' END, "
        "1, 3, 'w', now() - interval '2 days', now() - interval '2 days', "
        "now() - interval '2 days' FROM generate_series(1, %s) AS g",
        (finished,),
    )
    conn.execute(
        "INSERT INTO xferity.jobs (queue, kind) SELECT 'q' || (g %% 8), 'new' "
        "FROM generate_series(1, %s) AS g",
        (waiting,),
    )
    conn.execute("VACUUM ANALYZE xferity.jobs")


def timed(conn: psycopg.Connection[tuple[object, ...]], query: str, rounds: int) -> list[float]:
    conn.execute(query).fetchall()  # warm the cache
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        conn.execute(query).fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@one_line_errors
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", help="Superuser DSN of an existing server (default: throwaway).")
    parser.add_argument("--pg-bin", type=Path, help="PostgreSQL binaries for the throwaway one.")
    parser.add_argument("--finished", type=int, default=1_000_000)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with scratch_server(args.dsn, args.pg_bin) as server:
        dsn = server.create_database("xferity_bench_stats")
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                apply_migrations(conn, read_migration_set(migrations_dir()))
                print(
                    f"loading {args.finished:,} finished and {args.waiting:,} waiting jobs",
                    file=sys.stderr,
                    flush=True,
                )
                load(conn, args.finished, args.waiting)
                version = conn.info.parameter_status("server_version")
                results = {name: timed(conn, q, args.rounds) for name, q in QUERIES.items()}
        finally:
            server.drop_database("xferity_bench_stats")
    print(
        f"PostgreSQL {version}, {args.finished:,} finished + {args.waiting:,} waiting jobs, "
        f"{args.rounds} calls each"
    )
    print("| query | median ms | p95 ms |\n|---|---|---|")
    for name, samples in results.items():
        p95 = sorted(samples)[int(0.95 * (len(samples) - 1))]
        print(f"| {name} | {statistics.median(samples):.2f} | {p95:.2f} |")
    ratio = statistics.median(results["queue_depth (0012 view)"]) / statistics.median(
        results["queue_stats()"]
    )
    print(f"queue_stats() is {ratio:.0f}x faster than the 0012 view")
    return 0


if __name__ == "__main__":
    sys.exit(main())
