"""The migration files: discovered, ordered and parsed by yoyo, checksummed by us.

yoyo reads the directory, honours `-- depends:` ordering, parses `-- transactional:` and splits
statements (sqlparse). yoyo's own hash is of the file *name*; drift needs the *content* hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from yoyo import exceptions as yoyo_exceptions
from yoyo.migrations import read_migrations, read_sql_migration, topological_sort

from xferity_schema.core.errors import MigrationSetError

MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<slug>[a-z0-9_]+)$")
ROLLBACK_SUFFIX = ".rollback.sql"


@dataclass(frozen=True)
class Migration:
    """One numbered migration file and, when present, its rollback file."""

    id: str
    path: Path
    content_sha256: str
    statements: tuple[str, ...]
    transactional: bool
    rollback_path: Path | None
    rollback_statements: tuple[str, ...]

    @property
    def number(self) -> int:
        return int(self.id[:4])

    def statement_line(self, index: int) -> int:
        """1-based line in the file where statement `index` starts."""
        return _statement_lines(self.path, self.statements)[index]


def content_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_migration_set(directory: Path) -> list[Migration]:
    """All migrations in `directory`, in the order they must be applied."""
    if not directory.is_dir():
        raise MigrationSetError(f"migrations directory {directory} does not exist")
    stray = sorted(p.name for p in directory.iterdir() if p.suffix == ".py")
    if stray:
        raise MigrationSetError(
            f"{directory}/{stray[0]}: Python migrations are not allowed; use SQL"
        )
    try:
        found = list(topological_sort(read_migrations(str(directory))))
    except yoyo_exceptions.BadMigration as exc:
        raise MigrationSetError(f"unreadable migration set in {directory}: {exc}") from None
    migrations = [_read_one(Path(m.path)) for m in found]
    _check_numbering(migrations)
    return migrations


def _read_one(path: Path) -> Migration:
    migration_id = path.name[: -len(".sql")]
    if not MIGRATION_NAME.match(migration_id):
        raise MigrationSetError(
            f"{path}: migration files are named NNNN_lowercase_name.sql (e.g. 0002_flow_runs.sql)"
        )
    directives, _, statements = read_sql_migration(str(path))
    transactional_flag = directives.get("transactional", "true").strip().lower()
    if transactional_flag not in ("true", "false"):
        raise MigrationSetError(f"{path}: '-- transactional:' must be true or false")
    if not statements:
        raise MigrationSetError(f"{path}: contains no SQL statement")
    if transactional_flag == "false" and len(statements) != 1:
        # Outside a transaction, a failure after the first statement would leave a half-applied
        # migration; one statement per non-transactional migration keeps every apply atomic.
        raise MigrationSetError(
            f"{path}: a '-- transactional: false' migration must hold exactly one statement "
            f"(found {len(statements)})"
        )
    rollback_path = path.with_name(migration_id + ROLLBACK_SUFFIX)
    rollback_statements: list[str] = []
    if rollback_path.exists():
        _, _, rollback_statements = read_sql_migration(str(rollback_path))
    return Migration(
        id=migration_id,
        path=path,
        content_sha256=content_sha256(path),
        statements=tuple(s.strip() for s in statements),
        transactional=transactional_flag == "true",
        rollback_path=rollback_path if rollback_path.exists() else None,
        rollback_statements=tuple(s.strip() for s in rollback_statements),
    )


def _check_numbering(migrations: list[Migration]) -> None:
    seen: dict[int, str] = {}
    for migration in migrations:
        if migration.number in seen:
            raise MigrationSetError(
                f"{migration.path}: number {migration.number:04d} is already used by "
                f"{seen[migration.number]}"
            )
        seen[migration.number] = migration.id


def _statement_lines(path: Path, statements: tuple[str, ...]) -> list[int]:
    source = path.read_text(encoding="utf-8")
    lines: list[int] = []
    offset = 0
    for text in statements:
        found = source.find(text, offset)
        if found < 0:  # sqlparse normalised something; fall back to the last known place
            found = offset
        lines.append(source.count("\n", 0, found) + 1)
        offset = found + len(text)
    return lines
