"""Cold and warm `xferity-schema lint`, side by side: sqlfluff with its Rust parser (the `rs`
extra, our default) and with its pure-Python parser, on the same files in one run.

    python scripts/bench_lint.py [--runs 3] [PATH ...]     (default: sql)

Each variant runs `--runs` times, interleaved, as a whole process:
- cold, Rust parser: `xferity-schema lint --no-cache PATH ...`;
- cold, Python parser: the same, with `sqlfluffrs` blocked from importing, so sqlfluff falls
  back to its Python parser (what an install without the `rs` extra gets);
- warm: `xferity-schema lint PATH ...` after one run that filled the style cache.

It prints the median and min wall time and the median CPU time (user + system) of each, and the
cold ratio Python/Rust. It also checks that both parsers gave the same findings (`--format json`)
and exits 1 if they did not.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.style_parsers import (
    WITH_RUST_PARSER,
    WITHOUT_RUST_PARSER,
    sorted_findings,
)

JSON = ["lint", "--format", "json"]


def run(argv: list[str]) -> tuple[float, float, list[dict[str, Any]]]:
    """(wall seconds, CPU seconds, findings) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: findings, which is still a finished lint
        raise SystemExit(f"error: lint failed: {done.stderr.strip()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, sorted_findings(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["sql"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env_note = f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    variants = {
        "cold, Rust parser": [*WITH_RUST_PARSER, *JSON, "--no-cache", *args.paths],
        "cold, Python parser": [*WITHOUT_RUST_PARSER, *JSON, "--no-cache", *args.paths],
        "warm (style cache)": [*WITH_RUST_PARSER, *JSON, *args.paths],
    }
    run(variants["warm (style cache)"])  # fills the cache for the warm runs
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    findings: dict[str, list[dict[str, Any]]] = {}
    for attempt in range(args.runs):
        for name, argv in variants.items():
            wall, cpu, found = run(argv)
            samples[name].append((wall, cpu))
            findings[name] = found
            print(f"run {attempt + 1}/{args.runs} {name}: {wall:.2f} s", file=sys.stderr)
    print(f"lint {' '.join(args.paths)} ({env_note}), {args.runs} runs each:")
    print(f"{'variant':<22} {'median':>8} {'min':>8} {'CPU':>8}")
    for name, rows in samples.items():
        walls = [w for w, _ in rows]
        cpu = statistics.median(c for _, c in rows)
        print(f"{name:<22} {statistics.median(walls):>7.2f}s {min(walls):>7.2f}s {cpu:>7.2f}s")
    rust = statistics.median(w for w, _ in samples["cold, Rust parser"])
    python = statistics.median(w for w, _ in samples["cold, Python parser"])
    print(f"cold Python/Rust: {python / rust:.2f}x")
    same = findings["cold, Rust parser"] == findings["cold, Python parser"]
    count = len(findings["cold, Rust parser"])
    print(f"findings identical under both parsers: {'yes' if same else 'NO'} ({count} findings)")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
