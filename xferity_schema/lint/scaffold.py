"""`xferity-schema new NAME`: the next numbered migration and its rollback file.

New files do not enter sql/migrations.sum here: a scaffold is a draft its author is about to
edit, and an entry would turn every edit into an "edited released migration" error. Lint warns
("run xferity-schema hash") until the author hashes the finished migration, the last step before
merging. Numbering skips every number in the directory *and* in the sum file, so the number of a
released migration is never reused even if its file went missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from xferity_schema.core.errors import ScaffoldError
from xferity_schema.lint import checksums
from xferity_schema.migrate.files import MIGRATION_NAME, ROLLBACK_SUFFIX

_NUMBER = re.compile(r"^(\d{4})_")


@dataclass(frozen=True)
class Scaffold:
    migration: Path
    rollback: Path


def slug(name: str) -> str:
    """'Add vault rotation' / 'add-vault-rotation' -> 'add_vault_rotation'."""
    value = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    if not value or not MIGRATION_NAME.match(f"0000_{value}"):
        raise ScaffoldError(f"cannot make a migration name from {name!r}: use letters and digits")
    return value


def next_number(migrations_dir: Path) -> int:
    names = [p.name for p in migrations_dir.glob("*.sql")]
    sum_file = checksums.sum_path(migrations_dir)
    if sum_file.exists():
        names += list(checksums.read_sum(sum_file).entries)
    numbers = [int(m.group(1)) for n in names if (m := _NUMBER.match(n))]
    return max(numbers, default=0) + 1


def create(migrations_dir: Path, name: str) -> Scaffold:
    value = slug(name)
    number = next_number(migrations_dir)
    if number > 9999:
        raise ScaffoldError("migration numbers are four digits and 9999 is taken")
    migration_id = f"{number:04d}_{value}"
    migration = migrations_dir / f"{migration_id}.sql"
    rollback = migrations_dir / f"{migration_id}{ROLLBACK_SUFFIX}"
    for path in (migration, rollback):
        if path.exists():
            raise ScaffoldError(f"{path} already exists")
    title = value.replace("_", " ")
    migration.write_text(
        f"-- {number:04d} {title}: <one line: why this migration exists>.\n"
        "--\n"
        "-- <What it changes, and what an older Xferity worker still running during the\n"
        "-- upgrade sees. Released migrations never change: fix mistakes in a new one.>\n"
        "-- Add `-- transactional: false` (one statement only) for CREATE INDEX CONCURRENTLY.\n",
        encoding="utf-8",
    )
    rollback.write_text(
        f"-- {number:04d} {title}, rollback: undoes {migration_id}.sql.\n"
        "--\n"
        "-- Reverse its statements, newest first. Delete this file when the change cannot be\n"
        "-- reversed without losing data.\n",
        encoding="utf-8",
    )
    return Scaffold(migration, rollback)
