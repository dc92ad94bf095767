#!/usr/bin/env python3
"""Benchmark of the job queue's SQL API (migration 0012) against a database you name.

It starts no server: pass --dsn of a migrated, otherwise idle database (a scratch one: the
benchmark empties xferity.jobs before each run and at the end, and refuses to start when the
table holds rows unless --truncate is given). The server must keep PostgreSQL's default
durability (fsync on; `python scripts/bench_server.py` starts one), or no commit is measured:
it refuses a server with fsync off unless --allow-fsync-off.

Modes (--mode, comma-separated, default "throughput"):
  throughput  enqueue --jobs N, then W workers (threads, one connection each) claim batches of B
              with claim_job and finish them with complete_jobs, for every W in --workers and
              B in --batch. Prints jobs/s and client-side claim latency percentiles. With
              --compare-bare, the same run on the minimal table of scripts/bench_bare.sql
              (one partial index) worked by one `WITH ... FOR UPDATE SKIP LOCKED ... UPDATE`
              to claim and one UPDATE to finish.
  latency     claim latency of one worker (claim 1, complete 1) with each --pending count of
              due jobs, beside --finished finished jobs.
  scale       the flat claim (migration 0014): claim latency of one worker on queue `small`
              (10k due jobs) beside --scale-backlog jobs it cannot take, for each size given:
              an older due backlog of another queue, jobs due tomorrow at a higher priority
              (in its own queue and another), finished jobs, and all three at once; also a
              claim over all queues beside the future jobs. Each case is measured beside its
              baseline (the same claim on the 10k due jobs alone, in a second database on the
              same server, created and dropped by the script), the two taking turns claim by
              claim, and its p50 is printed with its ratio to that baseline.
  soak        W=--soak-workers workers with batch --soak-batch for --soak-minutes (or
              --soak-seconds) while a producer keeps --soak-backlog jobs pending (enqueue_jobs),
              beside --soak-finished finished jobs that prune_finished_jobs keeps at that
              level; throughput per --soak-interval, end-to-start throughput ratio and the
              drift of claim p99 (last fifth of the run against the first).

With --json, stdout carries only the JSON report; the tables and progress lines go to stderr.

The peers (graphile-worker, pg-boss) and the fused call are compared in one run by the
companion scripts/bench_queue_peers.mjs (Node).

Example:
  python scripts/bench_queue.py --dsn postgresql://localhost/xferity_bench \\
      --mode throughput,latency,soak --workers 1,4,16 --batch 1,10,100 --compare-bare
  python scripts/bench_queue.py --dsn ... --mode scale --scale-backlog 200000,1000000
  python scripts/bench_queue.py --dsn ... --mode soak --soak-minutes 30
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xferity_schema.core.edge import fail, one_line_errors
from xferity_schema.core.errors import ExitCode
from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations

BARE_SCHEMA = "xferity_bench"
BARE_DDL = Path(__file__).with_name("bench_bare.sql")

# -- the queries --------------------------------------------------------------------------

FUNCTION_CLAIM = "SELECT id FROM xferity.claim_job(%(worker)s, NULL, %(batch)s)"
FUNCTION_FINISH = "SELECT xferity.complete_jobs(%(ids)s, %(worker)s)"

# The bare pattern: what claim_job and complete_jobs do, without functions or lease checks.
BARE_CLAIM = """
WITH ready AS (
    SELECT j.id FROM xferity_bench.jobs AS j
    WHERE j.state = 'available' AND j.attempt < j.max_attempts AND j.run_at <= now()
    ORDER BY j.priority DESC, j.run_at, j.id
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
)
UPDATE xferity_bench.jobs AS j
SET state = 'running', attempt = j.attempt + 1, locked_by = %(worker)s, locked_at = now(),
    lease_expires_at = now() + interval '300 seconds'
FROM ready WHERE j.id = ready.id
RETURNING j.id
"""
BARE_FINISH = """
UPDATE xferity_bench.jobs
SET state = 'completed', lease_expires_at = NULL, finished_at = now()
WHERE id = ANY(%(ids)s) AND locked_by = %(worker)s
"""

ENQUEUE = """
SELECT xferity.enqueue_job('bench', jsonb_build_object('n', g))
FROM generate_series(1, %(count)s) AS g
"""
ENQUEUE_SET = """
SELECT xferity.enqueue_jobs(array_agg('bench'::text), array_agg(jsonb_build_object('n', g)))
FROM generate_series(1, %(count)s) AS g
"""
BARE_ENQUEUE = """
INSERT INTO xferity_bench.jobs (kind, payload)
SELECT 'bench', jsonb_build_object('n', g) FROM generate_series(1, %(count)s) AS g
"""
# Bulk preload for the latency mode: rows as the functions would leave them.
PRELOAD_FINISHED = """
INSERT INTO xferity.jobs (
    kind, payload, state, run_at, attempt, locked_by, locked_at, created_at, finished_at
)
SELECT 'bench', jsonb_build_object('n', g), 'completed', now() - interval '2 hours', 1,
    'preload', now() - interval '2 hours', now() - interval '2 hours', now() - interval '1 hour'
FROM generate_series(1, %(count)s) AS g
"""
PRELOAD_PENDING = """
INSERT INTO xferity.jobs (kind, payload, run_at, created_at)
SELECT 'bench', jsonb_build_object('n', g),
    now() - interval '1 hour' + g * interval '1 millisecond', now() - interval '1 hour'
FROM generate_series(1, %(count)s) AS g
"""


@dataclass
class Variant:
    name: str
    table: str
    claim: str
    finish: str
    enqueue: str


FUNCTIONS = Variant("functions", "xferity.jobs", FUNCTION_CLAIM, FUNCTION_FINISH, ENQUEUE)
BARE = Variant("bare SQL", f"{BARE_SCHEMA}.jobs", BARE_CLAIM, BARE_FINISH, BARE_ENQUEUE)


@dataclass
class RunResult:
    variant: str
    workers: int
    batch: int
    jobs: int
    seconds: float
    jobs_per_second: float
    claim_p50_ms: float
    claim_p99_ms: float
    claim_max_ms: float
    extra: dict[str, Any] = field(default_factory=dict)


# -- plumbing -----------------------------------------------------------------------------


def connect(dsn: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(dsn, autocommit=True)


def truncate(dsn: str, variant: Variant) -> None:
    schema, table = variant.table.split(".")
    with connect(dsn) as conn:
        conn.execute(
            sql.SQL("TRUNCATE {}.{} RESTART IDENTITY CASCADE").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
        )
        if variant is FUNCTIONS:
            conn.execute("TRUNCATE xferity.workers RESTART IDENTITY")


def vacuum(dsn: str, variant: Variant) -> None:
    """Start each run from a vacuumed, analysed table and a fresh checkpoint, so that a run
    does not pay for the previous run's (or the preload's) dead tuples and dirty buffers."""
    schema, table = variant.table.split(".")
    with connect(dsn) as conn:
        conn.execute(
            sql.SQL("VACUUM (ANALYZE) {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        )
        # Not superuser (nor pg_checkpoint): measure without the checkpoint.
        with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
            conn.execute("CHECKPOINT")


def create_bare_table(dsn: str) -> None:
    """The minimal bare queue of scripts/bench_bare.sql (shared with bench_queue_peers.mjs)."""
    with connect(dsn) as conn:
        conn.execute(BARE_DDL.read_text(encoding="utf-8"))


def drop_bare_table(dsn: str) -> None:
    with connect(dsn) as conn:
        conn.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(BARE_SCHEMA))
        )


def percentile(samples: Sequence[float], fraction: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def worker_loop(
    dsn: str,
    variant: Variant,
    worker: str,
    batch: int,
    start: threading.Barrier,
    deadline: float | None = None,
    on_done: Callable[[int], None] | None = None,
    stamps: list[float] | None = None,
) -> tuple[int, list[float]]:
    """Claim and finish batches: until a claim comes back empty, or with a deadline
    (time.monotonic()) until then, polling when the queue is momentarily empty."""
    done = 0
    latencies: list[float] = []
    with connect(dsn) as conn:
        params: dict[str, object] = {"worker": worker, "batch": batch}
        start.wait()
        while deadline is None or time.monotonic() < deadline:
            began = time.perf_counter()
            ids = [row[0] for row in conn.execute(variant.claim, params)]
            latencies.append(time.perf_counter() - began)
            if stamps is not None:
                stamps.append(time.monotonic())
            if not ids:
                if deadline is None:
                    break
                time.sleep(0.005)
                continue
            conn.execute(variant.finish, {"ids": ids, "worker": worker})
            done += len(ids)
            if on_done is not None:
                on_done(len(ids))
    return done, latencies


# -- modes --------------------------------------------------------------------------------


def fill(dsn: str, variant: Variant, enqueue: str, jobs: int) -> None:
    """Empty the variant's table, enqueue `jobs` jobs with `enqueue`, then vacuum it."""
    truncate(dsn, variant)
    with connect(dsn) as conn:
        conn.execute(enqueue, {"count": jobs})
    vacuum(dsn, variant)


def run_throughput(dsn: str, variant: Variant, jobs: int, workers: int, batch: int) -> RunResult:
    fill(dsn, variant, variant.enqueue, jobs)
    start = threading.Barrier(workers + 1)
    with ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(worker_loop, dsn, variant, f"bench-{n}", batch, start)
            for n in range(workers)
        ]
        start.wait()
        began = time.perf_counter()
        results = [future.result() for future in futures]
        seconds = time.perf_counter() - began
    completed = sum(done for done, _ in results)
    if completed != jobs:
        raise RuntimeError(f"{variant.name}: completed {completed} of {jobs} jobs")
    latencies = [sample for _, samples in results for sample in samples]
    return RunResult(
        variant=variant.name,
        workers=workers,
        batch=batch,
        jobs=jobs,
        seconds=seconds,
        jobs_per_second=jobs / seconds,
        claim_p50_ms=percentile(latencies, 0.50) * 1000,
        claim_p99_ms=percentile(latencies, 0.99) * 1000,
        claim_max_ms=max(latencies) * 1000,
    )


def run_latency(dsn: str, pending: int, finished: int, claims: int, rounds: int) -> RunResult:
    """Claim latency over `rounds` rounds of `claims` claims each. The p50 and p99 reported
    are the medians of the rounds' own percentiles, so that one burst of load from elsewhere
    on the machine does not decide the figure."""
    truncate(dsn, FUNCTIONS)
    with connect(dsn) as conn:
        conn.execute(PRELOAD_FINISHED, {"count": finished})
        conn.execute(PRELOAD_PENDING, {"count": pending})
    vacuum(dsn, FUNCTIONS)
    p50s: list[float] = []
    p99s: list[float] = []
    worst = 0.0
    seconds = 0.0
    with connect(dsn) as conn:
        params: dict[str, object] = {"worker": "latency", "batch": 1}
        for _ in range(20):  # warm the plan cache and the buffers
            ids = [row[0] for row in conn.execute(FUNCTION_CLAIM, params)]
            conn.execute(FUNCTION_FINISH, {"ids": ids, "worker": "latency"})
        for _ in range(rounds):
            latencies: list[float] = []
            began = time.perf_counter()
            for _ in range(claims):
                started = time.perf_counter()
                ids = [row[0] for row in conn.execute(FUNCTION_CLAIM, params)]
                latencies.append(time.perf_counter() - started)
                conn.execute(FUNCTION_FINISH, {"ids": ids, "worker": "latency"})
            seconds += time.perf_counter() - began
            p50s.append(percentile(latencies, 0.50))
            p99s.append(percentile(latencies, 0.99))
            worst = max(worst, *latencies)
    return RunResult(
        variant=f"{pending} pending + {finished} finished",
        workers=1,
        batch=1,
        jobs=claims * rounds,
        seconds=seconds,
        jobs_per_second=claims * rounds / seconds,
        claim_p50_ms=statistics.median(p50s) * 1000,
        claim_p99_ms=statistics.median(p99s) * 1000,
        claim_max_ms=worst * 1000,
        extra={"round_p99_ms": [p * 1000 for p in p99s]},
    )


PRELOAD_FINISHED_SPREAD = """
INSERT INTO xferity.jobs (
    kind, payload, state, run_at, attempt, locked_by, locked_at, created_at, finished_at
)
SELECT 'bench', jsonb_build_object('n', g), 'completed', now() - %(keep)s::interval, 1,
    'preload', now() - %(keep)s::interval, now() - %(keep)s::interval,
    now() - %(keep)s::interval * (1 - g::float8 / %(count)s)
FROM generate_series(1, %(count)s) AS g
"""
PRUNE = "SELECT xferity.prune_finished_jobs(%(keep)s::interval, 10000)"


def run_soak(
    dsn: str,
    workers: int,
    batch: int,
    seconds: float,
    interval: float,
    backlog: int,
    finished: int = 0,
    keep: str = "30 minutes",
    prune_every: float = 5.0,
    worker_dsn: str | None = None,
) -> tuple[RunResult, list[float]]:
    """Workers drain while a producer refills the backlog (enqueue_jobs) and a janitor runs
    prune_finished_jobs(keep) every prune_every seconds. `finished` finished jobs are preloaded
    with finish times spread over the last `keep`, so that pruning holds the finished count
    about there: the claim works beside a table of that many finished jobs throughout. The
    workers and the producer log in with worker_dsn when given (as Xferity's workers do, so
    that the rows the job functions write skip the jobs_check_rules trigger, migration 0019);
    the preload and the janitor use dsn."""
    work_dsn = worker_dsn or dsn
    truncate(dsn, FUNCTIONS)
    with connect(dsn) as conn:
        if finished:
            conn.execute(PRELOAD_FINISHED_SPREAD, {"count": finished, "keep": keep})
        conn.execute(ENQUEUE_SET, {"count": backlog})
    vacuum(dsn, FUNCTIONS)
    stop_at = time.monotonic() + seconds
    counter_lock = threading.Lock()
    completed = [0]
    pruned = [0]

    def count(n: int) -> None:
        with counter_lock:
            completed[0] += n

    def produce() -> None:
        # It counts the backlog as the owner (a worker login may not read the table) and
        # enqueues as the workers do.
        with connect(dsn) as counter, connect(work_dsn) as conn:
            while time.monotonic() < stop_at:
                row = counter.execute(
                    "SELECT count(*) FROM xferity.jobs WHERE state = 'available'"
                ).fetchone()
                missing = backlog - int(row[0]) if row else 0
                if missing > backlog // 10:
                    conn.execute(ENQUEUE_SET, {"count": missing})
                time.sleep(0.05)

    def prune() -> None:
        with connect(dsn) as conn:
            while time.monotonic() < stop_at:
                while True:
                    row = conn.execute(PRUNE, {"keep": keep}).fetchone()
                    pruned[0] += int(row[0]) if row else 0
                    if not row or row[0] < 10000 or time.monotonic() >= stop_at:
                        break
                time.sleep(prune_every)

    start = threading.Barrier(workers + 1)
    rates: list[float] = []
    latencies: list[float] = []
    stamps: list[float] = []
    per_worker_stamps: list[list[float]] = [[] for _ in range(workers)]
    with ThreadPoolExecutor(workers + 2) as pool:
        producer = pool.submit(produce)
        janitor = pool.submit(prune)
        futures = [
            pool.submit(
                worker_loop,
                work_dsn,
                FUNCTIONS,
                f"soak-{n}",
                batch,
                start,
                stop_at,
                count,
                per_worker_stamps[n],
            )
            for n in range(workers)
        ]
        start.wait()
        began = time.monotonic()
        last = 0
        next_tick = began + interval
        while time.monotonic() < stop_at:
            time.sleep(max(0.0, min(next_tick, stop_at) - time.monotonic()))
            with counter_lock:
                now_done = completed[0]
            rate = (now_done - last) / interval
            rates.append(rate)
            print(f"  soak t={time.monotonic() - began:6.0f}s  {rate:9.0f} jobs/s", file=sys.stderr)
            last = now_done
            next_tick += interval
        producer.result()
        janitor.result()
        for n, future in enumerate(futures):
            latencies.extend(future.result()[1])
            stamps.extend(per_worker_stamps[n])
    total_seconds = time.monotonic() - began
    with connect(dsn) as conn:
        row = conn.execute(
            "SELECT count(*) FROM xferity.jobs WHERE state IN ('completed', 'failed')"
        ).fetchone()
        finished_at_end = int(row[0]) if row else 0
    # Start and end: the mean of the first and of the last fifth of the intervals, so that
    # one interval that met an autovacuum run or a checkpoint does not decide the ratio.
    edge = max(1, len(rates) // 5)
    start_rate = statistics.mean(rates[:edge]) if rates else float("nan")
    end_rate = statistics.mean(rates[-edge:]) if rates else float("nan")
    # Claim p99 drift: the claims of the last fifth of the run against those of the first.
    fifth = total_seconds / 5
    first = [lat for lat, at in zip(latencies, stamps, strict=True) if at < began + fifth]
    final = [lat for lat, at in zip(latencies, stamps, strict=True) if at >= stop_at - fifth]
    first_p99 = percentile(first, 0.99) * 1000
    final_p99 = percentile(final, 0.99) * 1000
    result = RunResult(
        variant="soak",
        workers=workers,
        batch=batch,
        jobs=completed[0],
        seconds=total_seconds,
        jobs_per_second=completed[0] / total_seconds,
        claim_p50_ms=percentile(latencies, 0.50) * 1000,
        claim_p99_ms=percentile(latencies, 0.99) * 1000,
        claim_max_ms=max(latencies) * 1000 if latencies else float("nan"),
        extra={
            "start_jobs_per_second": start_rate,
            "end_jobs_per_second": end_rate,
            "end_to_start_ratio": end_rate / start_rate if start_rate else float("nan"),
            "first_fifth_claim_p99_ms": first_p99,
            "last_fifth_claim_p99_ms": final_p99,
            "claim_p99_drift": final_p99 / first_p99 if first_p99 else float("nan"),
            "finished_jobs_preloaded": finished,
            "finished_jobs_at_end": finished_at_end,
            "pruned": pruned[0],
        },
    )
    return result, rates


# -- the flat claim at scale (mode "scale") -----------------------------------------------

SCALE_CLAIM = "SELECT id FROM xferity.claim_job('scale', %(queues)s, 1)"
SCALE_FINISH = "SELECT xferity.complete_jobs(%(ids)s, 'scale')"
# Rows as the functions would leave them, written straight into the table.
SCALE_DUE_SMALL = """
INSERT INTO xferity.jobs (queue, kind, payload, run_at, created_at)
SELECT 'small', 'bench', jsonb_build_object('n', g),
    now() - interval '10 minutes' + g * interval '1 millisecond', now() - interval '10 minutes'
FROM generate_series(1, 10000) AS g
"""
SCALE_OTHER_QUEUE = """
INSERT INTO xferity.jobs (queue, kind, payload, run_at, created_at)
SELECT 'default', 'bench', jsonb_build_object('n', g),
    now() - interval '2 hours' + g * interval '1 microsecond', now() - interval '2 hours'
FROM generate_series(1, %(count)s) AS g
"""
SCALE_FUTURE = """
INSERT INTO xferity.jobs (queue, kind, payload, priority, run_at, created_at)
SELECT CASE WHEN g %% 2 = 0 THEN 'small' ELSE 'default' END, 'bench', jsonb_build_object('n', g),
    10, now() + interval '1 day' + g * interval '1 microsecond', now()
FROM generate_series(1, %(count)s) AS g
"""
SCALE_FINISHED = """
INSERT INTO xferity.jobs (
    queue, kind, payload, state, run_at, attempt, locked_by, locked_at, created_at, finished_at
)
SELECT CASE WHEN g %% 2 = 0 THEN 'small' ELSE 'default' END, 'bench', jsonb_build_object('n', g),
    'completed', now() - interval '2 hours', 1, 'preload', now() - interval '2 hours',
    now() - interval '2 hours', now() - interval '1 hour'
FROM generate_series(1, %(count)s) AS g
"""
SCALE_CASES: dict[str, tuple[str, ...]] = {
    "other queue's older due backlog": (SCALE_OTHER_QUEUE,),
    "jobs due tomorrow at higher priority": (SCALE_FUTURE,),
    "finished jobs": (SCALE_FINISHED,),
    "all three": (SCALE_OTHER_QUEUE, SCALE_FUTURE, SCALE_FINISHED),
}


def measure_claims(
    dsns: Sequence[str], queues: list[str] | None, claims: int, rounds: int
) -> list[tuple[float, float, float]]:
    """For each database, the median over rounds of its claim p50 and p99 and of its
    claim+complete p50, in ms. The databases take turns claim by claim, so each figure is
    measured over the same moments as the others: this machine's commit latency drifts by
    tens of percent over seconds, more than any difference between the cases."""
    p50s: list[list[float]] = [[] for _ in dsns]
    p99s: list[list[float]] = [[] for _ in dsns]
    pairs: list[list[float]] = [[] for _ in dsns]
    params: dict[str, object] = {"queues": queues}
    with contextlib.ExitStack() as stack:
        conns = [stack.enter_context(connect(dsn)) for dsn in dsns]
        for _ in range(50):  # warm the plan cache and the buffers
            for conn in conns:
                ids = [row[0] for row in conn.execute(SCALE_CLAIM, params)]
                conn.execute(SCALE_FINISH, {"ids": ids})
        for _ in range(rounds):
            claim_times: list[list[float]] = [[] for _ in dsns]
            pair_times: list[list[float]] = [[] for _ in dsns]
            for _ in range(claims):
                for at, conn in enumerate(conns):
                    began = time.perf_counter()
                    ids = [row[0] for row in conn.execute(SCALE_CLAIM, params)]
                    claimed = time.perf_counter()
                    conn.execute(SCALE_FINISH, {"ids": ids})
                    claim_times[at].append(claimed - began)
                    pair_times[at].append(time.perf_counter() - began)
                    if not ids:
                        raise RuntimeError("scale: the claim found nothing; raise the due backlog")
            for at in range(len(dsns)):
                p50s[at].append(percentile(claim_times[at], 0.50))
                p99s[at].append(percentile(claim_times[at], 0.99))
                pairs[at].append(percentile(pair_times[at], 0.50))
    return [
        (
            statistics.median(p50s[at]) * 1000,
            statistics.median(p99s[at]) * 1000,
            statistics.median(pairs[at]) * 1000,
        )
        for at in range(len(dsns))
    ]


@contextlib.contextmanager
def baseline_database(dsn: str) -> Iterator[str]:
    """A second database on the same server, migrated, for the baseline; dropped after."""
    name = "xferity_bench_baseline"
    with connect(dsn) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base_dsn = make_conninfo(dsn, dbname=name)
        with psycopg.connect(base_dsn, autocommit=True) as conn:
            apply_migrations(conn, read_migration_set(migrations_dir()))
        yield base_dsn
    finally:
        with connect(dsn) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def run_scale(
    dsn: str, backlogs: Sequence[int], claims: int, rounds: int
) -> list[dict[str, object]]:
    def prepare(target: str, *loads: tuple[str, int]) -> None:
        truncate(target, FUNCTIONS)
        with connect(target) as conn:
            conn.execute(SCALE_DUE_SMALL)
            for query, count in loads:
                conn.execute(query, {"count": count})
        vacuum(target, FUNCTIONS)
        # Flush the load's WAL and dirty pages now: a checkpoint running during the claims
        # would slow their commits, which is the disk's cost, not the claim's.
        with connect(target) as conn:
            conn.execute("CHECKPOINT")

    rows: list[dict[str, object]] = []
    # Each case runs beside its baseline (the same claim on the 10k due jobs alone, in a
    # second database on the same server), the two taking turns claim by claim.
    with baseline_database(dsn) as base_dsn:
        for backlog in backlogs:
            for case, loads in SCALE_CASES.items():
                shapes: list[list[str] | None] = [["small"]]
                if case == "jobs due tomorrow at higher priority":
                    shapes.append(None)
                for queues in shapes:
                    prepare(base_dsn)
                    prepare(dsn, *((query, backlog) for query in loads))
                    (p50, p99, pair), (base, _, _) = measure_claims(
                        [dsn, base_dsn], queues, claims, rounds
                    )
                    row = {
                        "case": case,
                        "backlog": backlog,
                        "queues": "small" if queues else "all",
                        "baseline_p50_ms": base,
                        "claim_p50_ms": p50,
                        "claim_p99_ms": p99,
                        "claim_complete_p50_ms": pair,
                        "ratio_to_baseline": p50 / base,
                    }
                    rows.append(row)
                    print(
                        f"  {case:<40} {backlog:>8} {row['queues']:<5} p50 {p50:7.3f} ms "
                        f"(baseline {base:.3f} ms, {row['ratio_to_baseline']:.2f}x)",
                        file=sys.stderr,
                    )
    return rows


def print_scale(rows: list[dict[str, object]]) -> None:
    print(
        "\nFlat claim: one worker, claim 1 + complete 1 on queue small (10k due jobs), each case"
        " beside its baseline (the same claim on the 10k due jobs alone, in a second database),"
        " taking turns claim by claim"
    )
    print(
        "| case | jobs it cannot take | claims from | baseline p50 ms | claim p50 ms | ratio | "
        "p99 ms | claim+complete p50 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['case']} | {r['backlog']:,} | {r['queues']} | {r['baseline_p50_ms']:.3f} | "
            f"{r['claim_p50_ms']:.3f} | {r['ratio_to_baseline']:.2f}x | {r['claim_p99_ms']:.3f} | "
            f"{r['claim_complete_p50_ms']:.3f} |"
        )


# -- output -------------------------------------------------------------------------------


def print_table(title: str, results: list[RunResult]) -> None:
    print(f"\n{title}")
    print(
        f"{'variant':<34} {'workers':>7} {'batch':>5} {'jobs':>8} {'jobs/s':>9} "
        f"{'claim p50 ms':>12} {'p99 ms':>8} {'max ms':>8}"
    )
    for r in results:
        print(
            f"{r.variant:<34} {r.workers:>7} {r.batch:>5} {r.jobs:>8} {r.jobs_per_second:>9.0f} "
            f"{r.claim_p50_ms:>12.3f} {r.claim_p99_ms:>8.3f} {r.claim_max_ms:>8.1f}"
        )


def int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers: {text}") from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers: {text}")
    return values


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dsn", required=True, help="libpq DSN or URL of a migrated database")
    parser.add_argument(
        "--worker-dsn",
        help="soak: the workers and the producer log in with this DSN (a worker login, as "
        "bench_server.py --worker-dsn-file writes) instead of --dsn",
    )
    parser.add_argument(
        "--mode",
        default="throughput",
        help="comma-separated: throughput, latency, scale, soak (default: throughput)",
    )
    parser.add_argument("--jobs", type=int, default=20_000, help="jobs per throughput run")
    parser.add_argument("--workers", type=int_list, default=[16], help="e.g. 1,4,16")
    parser.add_argument("--batch", type=int_list, default=[10], help="e.g. 1,10,100")
    parser.add_argument("--compare-bare", action="store_true", help="also run the bare SQL pattern")
    parser.add_argument("--pending", type=int_list, default=[10_000, 1_000_000])
    parser.add_argument("--finished", type=int, default=1_000_000)
    parser.add_argument("--latency-claims", type=int, default=2_000, help="claims per round")
    parser.add_argument("--latency-rounds", type=int, default=3, help="rounds per pending count")
    parser.add_argument(
        "--scale-backlog",
        type=int_list,
        default=[200_000, 1_000_000],
        help="scale mode: sizes of the backlog the claim cannot take (default 200000,1000000)",
    )
    parser.add_argument("--scale-claims", type=int, default=1_000, help="claims per round")
    parser.add_argument("--scale-rounds", type=int, default=3, help="rounds per case")
    parser.add_argument("--soak-seconds", type=float, default=300)
    parser.add_argument(
        "--soak-minutes", type=float, default=None, help="soak length (overrides --soak-seconds)"
    )
    parser.add_argument(
        "--soak-finished",
        type=int,
        default=1_000_000,
        help="finished jobs kept beside the soak (pruned to about this many)",
    )
    parser.add_argument("--soak-keep", default="30 minutes", help="prune_finished_jobs older_than")
    parser.add_argument("--soak-interval", type=float, default=10)
    parser.add_argument("--soak-workers", type=int, default=4)
    parser.add_argument("--soak-batch", type=int, default=10)
    parser.add_argument("--soak-backlog", type=int, default=20_000)
    parser.add_argument(
        "--truncate",
        action="store_true",
        help="allow emptying a non-empty xferity.jobs (never on a database you care about)",
    )
    parser.add_argument(
        "--allow-fsync-off",
        action="store_true",
        help="run on a server with fsync off (measures no real commit; refused by default)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the report as JSON on stdout (tables go to stderr)",
    )
    args = parser.parse_args(argv)
    modes = {m.strip() for m in args.mode.split(",") if m.strip()}
    unknown = modes - {"throughput", "latency", "scale", "soak"}
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(sorted(unknown))}")
    args.modes = modes
    if args.soak_minutes is not None:
        args.soak_seconds = args.soak_minutes * 60
    return args


@one_line_errors
def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with connect(args.dsn) as conn:
        row = conn.execute("SELECT to_regclass('xferity.jobs') IS NOT NULL").fetchone()
        if not row or not row[0]:
            fail("xferity.jobs does not exist: migrate the database first", ExitCode.USAGE)
        row = conn.execute("SELECT current_setting('fsync')").fetchone()
        if row and row[0] != "on" and not args.allow_fsync_off:
            fail(
                "the server runs with fsync off, so no commit is measured: use a server with "
                "default durability (python scripts/bench_server.py) or pass --allow-fsync-off",
                ExitCode.USAGE,
            )
        row = conn.execute("SELECT EXISTS (SELECT FROM xferity.jobs)").fetchone()
        if row and row[0] and not args.truncate:
            fail("xferity.jobs is not empty; pass --truncate to allow emptying it", ExitCode.USAGE)
        version = conn.info.server_version
    # With --json, stdout carries the JSON document only; the tables go to stderr.
    with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
        print(f"server {version // 10000}.{version % 10000}; dsn host {conninfo_host(args.dsn)}")
        report = run_modes(args)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


def run_modes(args: argparse.Namespace) -> dict[str, object]:
    """Runs the chosen modes, printing their tables; returns the report."""
    report: dict[str, object] = {}
    try:
        if "throughput" in args.modes:
            variants = [FUNCTIONS]
            if args.compare_bare:
                create_bare_table(args.dsn)
                variants.append(BARE)
            results = []
            for batch in args.batch:
                for workers in args.workers:
                    for variant in variants:
                        result = run_throughput(args.dsn, variant, args.jobs, workers, batch)
                        results.append(result)
                        print(
                            f"  {variant.name:<10} workers={workers:<3} batch={batch:<4} "
                            f"{result.jobs_per_second:8.0f} jobs/s",
                            file=sys.stderr,
                        )
            print_table(f"Throughput ({args.jobs} jobs per run)", results)
            if args.compare_bare:
                print("\nfunctions / bare SQL")
                for batch in args.batch:
                    for workers in args.workers:
                        pair = {
                            r.variant: r.jobs_per_second
                            for r in results
                            if r.batch == batch and r.workers == workers
                        }
                        print(
                            f"  workers={workers:<3} batch={batch:<4} "
                            f"{pair['functions'] / pair['bare SQL']:.2f}x"
                        )
            report["throughput"] = [asdict(r) for r in results]
        if "latency" in args.modes:
            results = [
                run_latency(
                    args.dsn, pending, args.finished, args.latency_claims, args.latency_rounds
                )
                for pending in args.pending
            ]
            print_table(
                "Claim latency (one worker, claim 1 + complete 1; median of the rounds' p50/p99)",
                results,
            )
            if len(results) > 1 and results[0].claim_p99_ms > 0:
                print(
                    f"  p99 at {args.pending[-1]} / p99 at {args.pending[0]}: "
                    f"{results[-1].claim_p99_ms / results[0].claim_p99_ms:.2f}x"
                )
            report["latency"] = [asdict(r) for r in results]
        if "scale" in args.modes:
            rows = run_scale(args.dsn, args.scale_backlog, args.scale_claims, args.scale_rounds)
            print_scale(rows)
            report["scale"] = rows
        if "soak" in args.modes:
            result, rates = run_soak(
                args.dsn,
                args.soak_workers,
                args.soak_batch,
                args.soak_seconds,
                args.soak_interval,
                args.soak_backlog,
                args.soak_finished,
                args.soak_keep,
                worker_dsn=args.worker_dsn,
            )
            print_table(f"Soak ({args.soak_seconds:.0f}s)", [result])
            print(
                f"  start {result.extra['start_jobs_per_second']:.0f} jobs/s, "
                f"end {result.extra['end_jobs_per_second']:.0f} jobs/s "
                f"(means of the first and last fifth of the intervals), "
                f"end/start {result.extra['end_to_start_ratio']:.2f}x"
            )
            print(
                f"  claim p99: first fifth {result.extra['first_fifth_claim_p99_ms']:.3f} ms, "
                f"last fifth {result.extra['last_fifth_claim_p99_ms']:.3f} ms, "
                f"drift {result.extra['claim_p99_drift']:.2f}x; finished jobs kept: "
                f"{result.extra['finished_jobs_preloaded']} at start, "
                f"{result.extra['finished_jobs_at_end']} at end "
                f"({result.extra['pruned']} pruned)"
            )
            report["soak"] = {**asdict(result), "interval_rates": rates}
    finally:
        truncate(args.dsn, FUNCTIONS)
        if "throughput" in args.modes and args.compare_bare:
            drop_bare_table(args.dsn)
    return report


def conninfo_host(dsn: str) -> str:
    params = conninfo_to_dict(dsn)
    return str(params.get("host", "(default)"))


if __name__ == "__main__":
    sys.exit(main())
