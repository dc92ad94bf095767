"""Where an upgrade check starts: every prefix of the current history, a released package's
sql/ directory, or the sql/ of a git ref of this repository."""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xferity_schema.core.errors import StartingPointError
from xferity_schema.migrate.files import Migration, read_migration_set


@dataclass(frozen=True)
class StartingPoint:
    """Where an upgrade starts: these migration files applied, with their demo data."""

    label: str
    migrations: tuple[Migration, ...]
    demo_dir: Path | None  # demo files of the starting point's own sql/, when it has them

    @property
    def migration_ids(self) -> list[str]:
        return [m.id for m in self.migrations]


def prefix_starting_points(
    current: Sequence[Migration], demo_dir: Path | None
) -> list[StartingPoint]:
    """Every prefix of the history: nothing applied, then 1 … N-1 migrations applied."""
    points = [StartingPoint("empty database", (), demo_dir)]
    for k in range(1, len(current)):
        points.append(StartingPoint(f"after {current[k - 1].id}", tuple(current[:k]), demo_dir))
    return points


def directory_starting_point(directory: Path) -> StartingPoint:
    """A released package's `sql/` (or its `sql/migrations`)."""
    migrations_dir = directory / "migrations" if (directory / "migrations").is_dir() else directory
    if not migrations_dir.is_dir():
        raise StartingPointError(f"--from-dir {directory}: no such directory")
    migrations = read_migration_set(migrations_dir)
    demo = migrations_dir.parent / "demo"
    last = migrations[-1].id if migrations else "no migrations"
    return StartingPoint(
        f"{directory} ({last})", tuple(migrations), demo if demo.is_dir() else None
    )


def git_ref_starting_point(ref: str, sql_dir: Path, workdir: Path) -> StartingPoint:
    """The sql/ of a git ref of the repository holding `sql_dir`, extracted into `workdir`."""
    top = _git(sql_dir, "rev-parse", "--show-toplevel").strip()
    relative = sql_dir.resolve().relative_to(Path(top).resolve()).as_posix()
    archive = subprocess.run(
        ["git", "-C", top, "archive", "--format=tar", ref, "--", f"{relative}/migrations"]
        + ([f"{relative}/demo"] if _git_has_path(top, ref, f"{relative}/demo") else []),
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip().splitlines()
        raise StartingPointError(
            f"--from {ref}: git archive failed: {message[-1] if message else 'unknown error'}"
        )
    target = workdir / f"ref-{uuid.uuid4().hex[:8]}"
    target.mkdir(parents=True)
    with tempfile.TemporaryFile() as buffer:
        buffer.write(archive.stdout)
        buffer.seek(0)
        with tarfile.open(fileobj=buffer, mode="r:") as tar:
            tar.extractall(target, filter="data")
    point = directory_starting_point(target / relative)
    last = point.migrations[-1].id if point.migrations else "no migrations"
    return StartingPoint(f"git ref {ref} ({last})", point.migrations, point.demo_dir)


def _git(where: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(where), *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise StartingPointError(f"git {args[0]} in {where}: {detail[-1] if detail else 'failed'}")
    return result.stdout


def _git_has_path(top: str, ref: str, path: str) -> bool:
    result = subprocess.run(
        ["git", "-C", top, "cat-file", "-e", f"{ref}:{path}"], capture_output=True, check=False
    )
    return result.returncode == 0
