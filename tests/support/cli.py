"""Run the CLI in-process (fast) or as a real process (for concurrency and SIGKILL)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from xferity_schema.cli import main


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """In-process: stdout and stderr kept apart, env overrides applied; XFERITY_DATABASE_URL is
    removed unless `env` sets it (CliRunner deletes a variable mapped to None)."""
    base: dict[str, str | None] = {"XFERITY_DATABASE_URL": None}
    result = CliRunner().invoke(
        main, list(args), env={**base, **(env or {})}, catch_exceptions=True
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback would have reached the user: fail loudly
    return CliResult(result.exit_code, result.stdout, result.stderr)


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "xferity_schema.cli", *args]


def spawn_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "XFERITY_DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.Popen(
        cli_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env
    )


def write_migrations(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory
