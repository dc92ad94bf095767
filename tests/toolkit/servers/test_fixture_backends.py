"""The test fixture's server selection: XFERITY_TEST_DSN is used as is, and
XFERITY_TEST_BACKEND=docker skips with its reason when no Docker engine is reachable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.paths import REPO_ROOT
from xferity_schema.servers.scratch import ScratchServer


def run_smoke_suite(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XFERITY_TEST_")}
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, "tests/toolkit/migrate/test_smoke.py"],
        cwd=REPO_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_existing_server_from_xferity_test_dsn(pg_server: ScratchServer) -> None:
    result = run_smoke_suite({"XFERITY_TEST_DSN": pg_server.superuser_dsn()})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def _docker_reachable() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        return bool(docker.from_env().ping())
    except Exception:
        return False


def test_docker_backend_skips_with_a_reason_without_docker() -> None:
    if _docker_reachable():
        pytest.skip("a Docker engine is reachable here; the skip path cannot be shown")
    result = run_smoke_suite({"XFERITY_TEST_BACKEND": "docker"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "no Docker engine is reachable" in result.stdout
