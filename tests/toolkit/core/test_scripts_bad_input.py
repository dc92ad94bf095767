"""The benchmark scripts keep the CLI's promise for bad input: one `error:` line, no traceback."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.support.one_line import assert_one_error_line
from tests.support.paths import REPO_ROOT

# A port nothing listens on (the discard service is never run on test machines).
UNREACHABLE = "host=127.0.0.1 port=9 dbname=bench connect_timeout=2"
MALFORMED = "nonsense==="


@dataclass(frozen=True)
class Ran:
    exit_code: int
    stderr: str


def run_script(name: str, *args: str) -> Ran:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / name), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
    )
    return Ran(done.returncode, done.stderr)


@pytest.mark.parametrize(
    "script",
    [
        "bench_queue.py",
        "bench_queue_cpu.py",
        "bench_queue_stats.py",
        "bench_apply.py",
        "bench_startup.py",
    ],
)
@pytest.mark.parametrize(("dsn", "named"), [(UNREACHABLE, "127.0.0.1"), (MALFORMED, "nonsense")])
def test_a_bad_dsn_is_one_line(script: str, dsn: str, named: str) -> None:
    assert_one_error_line(run_script(script, "--dsn", dsn), named)


def test_bench_server_without_binaries_is_one_line() -> None:
    result = run_script(
        "bench_server.py", "--pg-bin", "/nonexistent/bin", "--dsn-file", "/dev/null/x.dsn"
    )
    assert_one_error_line(result, "/nonexistent/bin")
