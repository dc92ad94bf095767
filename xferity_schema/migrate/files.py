"""The migration files: discovered, checked, ordered and checksummed.

We read the directory ourselves, so that every hostile file (unreadable, not UTF-8, a BOM, a
directory named like a migration, an orphan rollback file, a `-- depends:` cycle) is one clear
error instead of a traceback from deep inside a library. The directives are yoyo's
(`-- transactional:` and `-- depends:` in the leading comment lines, read as yoyo reads them), and
statements are split by sqlparse as yoyo does, but only when a command needs them: `status` and
a no-op `apply` never pay for importing sqlparse.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from xferity_schema.core.errors import MigrationSetError

MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<slug>[a-z0-9_]+)$")
ROLLBACK_SUFFIX = ".rollback.sql"
UTF8_BOM = b"\xef\xbb\xbf"

# yoyo's directive syntax: `-- name: value` among the leading comment lines.
_DIRECTIVE = re.compile(r"^\s*--\s*(transactional|depends)\s*:\s*(.*)$")
_COMMENT_OR_EMPTY = re.compile(r"^(\s*|\s*--.*)$")


@dataclass(frozen=True)
class Migration:
    """One numbered migration file and, when present, its rollback file."""

    id: str
    path: Path
    content_sha256: str
    text: str
    transactional: bool
    depends: tuple[str, ...]
    rollback_path: Path | None
    rollback_text: str | None
    rollback_sha256: str | None

    @property
    def number(self) -> int:
        return int(self.id[:4])

    @cached_property
    def statements(self) -> tuple[str, ...]:
        return split_statements(self.text)

    @cached_property
    def rollback_statements(self) -> tuple[str, ...]:
        return split_statements(self.rollback_text) if self.rollback_text is not None else ()

    def check_statements(self) -> None:
        """Refuse a migration that cannot be applied atomically (run before applying any)."""
        if not self.statements:
            raise MigrationSetError(f"{self.path}: contains no SQL statement")
        if not self.transactional and len(self.statements) != 1:
            # Outside a transaction, a failure after the first statement would leave a
            # half-applied migration; one statement per non-transactional migration keeps every
            # apply atomic.
            raise MigrationSetError(
                f"{self.path}: a '-- transactional: false' migration must hold exactly one "
                f"statement (found {len(self.statements)})"
            )

    def statement_line(self, index: int) -> int:
        """1-based line in the file where statement `index` starts."""
        return _statement_lines(self.text, self.statements)[index]


def content_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_migration_set(directory: Path) -> list[Migration]:
    """All migrations in `directory`, in the order they must be applied."""
    forward, rollbacks = _discover(directory)
    orphans = sorted(set(rollbacks) - set(forward))
    if orphans:
        raise MigrationSetError(
            f"{rollbacks[orphans[0]]}: rollback file without a migration "
            f"{orphans[0]}.sql (renamed or deleted?)"
        )
    migrations = [_read_one(path, rollbacks.get(mid)) for mid, path in sorted(forward.items())]
    _check_numbering(migrations)
    return _in_dependency_order(migrations)


def numbering_gaps(migrations: Sequence[Migration]) -> list[tuple[int, int]]:
    """(after, before) pairs of consecutive migration numbers that skip numbers."""
    numbers = sorted(m.number for m in migrations)
    return [(a, b) for a, b in itertools.pairwise(numbers) if b - a > 1]


def split_statements(text: str) -> tuple[str, ...]:
    """The statements of a file as yoyo splits them (sqlparse), the directive and comment lines
    before the first statement removed."""
    import sqlparse  # deferred: only apply, dry runs and rollbacks need statements

    statements = [s for s in sqlparse.split(text) if s.strip()]
    if statements:
        statements[0] = _strip_header(statements[0])
    return tuple(s.strip() for s in statements if s.strip())


def parse_directives(text: str) -> dict[str, str]:
    """yoyo's `-- transactional:` / `-- depends:` lines from the leading comment lines."""
    directives: dict[str, str] = {}
    for line in text.splitlines():
        match = _DIRECTIVE.match(line)
        if match:
            key, value = match.groups()
            directives[key] = f"{directives[key]} {value}" if key in directives else value
        elif not _COMMENT_OR_EMPTY.match(line):
            break
    return directives


def _strip_header(statement: str) -> str:
    lines = statement.splitlines()
    for index, line in enumerate(lines):
        if not _COMMENT_OR_EMPTY.match(line):
            return "\n".join(lines[index:])
    return ""


def _discover(directory: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    if not directory.is_dir():
        raise MigrationSetError(f"migrations directory {directory} does not exist")
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise MigrationSetError(
            f"cannot read migrations directory {directory}: {exc.strerror}"
        ) from None
    stray = [p.name for p in entries if p.suffix == ".py"]
    if stray:
        raise MigrationSetError(
            f"{directory}/{stray[0]}: Python migrations are not allowed; use SQL"
        )
    forward: dict[str, Path] = {}
    rollbacks: dict[str, Path] = {}
    for path in entries:
        if path.suffix != ".sql":
            continue
        if not path.is_file():
            raise MigrationSetError(f"{path}: not a regular file")
        if path.name.endswith(ROLLBACK_SUFFIX):
            rollbacks[path.name[: -len(ROLLBACK_SUFFIX)]] = path
        else:
            forward[path.name[: -len(".sql")]] = path
    return forward, rollbacks


def _read_text(path: Path) -> tuple[str, str]:
    """The file's text and the sha256 of its bytes; one line for every way reading fails."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MigrationSetError(f"cannot read {path}: {exc.strerror}") from None
    if data.startswith(UTF8_BOM):
        # psql sends a BOM to the server as part of the first statement, where it is an invisible
        # syntax error; refusing keeps every file runnable by psql exactly as the runner runs it.
        raise MigrationSetError(
            f"{path}: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MigrationSetError(
            f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} on line {line})"
        ) from None
    if "\x00" in text:
        raise MigrationSetError(f"{path}: contains a NUL byte; it is not a SQL text file")
    return text, hashlib.sha256(data).hexdigest()


def _read_one(path: Path, rollback_path: Path | None) -> Migration:
    migration_id = path.name[: -len(".sql")]
    if not MIGRATION_NAME.match(migration_id):
        raise MigrationSetError(
            f"{path}: migration files are named NNNN_lowercase_name.sql (e.g. 0002_flow_runs.sql)"
        )
    text, digest = _read_text(path)
    directives = parse_directives(text)
    transactional_flag = directives.get("transactional", "true").strip().lower()
    if transactional_flag not in ("true", "false"):
        raise MigrationSetError(
            f"{path}: '-- transactional:' must be true or false, not "
            f"{directives['transactional'].strip()[:40]!r}"
        )
    rollback_text = rollback_sha = None
    if rollback_path is not None:
        rollback_text, rollback_sha = _read_text(rollback_path)
    return Migration(
        id=migration_id,
        path=path,
        content_sha256=digest,
        text=text,
        transactional=transactional_flag == "true",
        depends=tuple(directives.get("depends", "").split()),
        rollback_path=rollback_path,
        rollback_text=rollback_text,
        rollback_sha256=rollback_sha,
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


def _in_dependency_order(migrations: list[Migration]) -> list[Migration]:
    """Name order, except that a migration comes after everything it `-- depends:` on (yoyo's
    stable topological order)."""
    by_id = {m.id: m for m in migrations}
    for migration in migrations:
        for dependency in migration.depends:
            if dependency not in by_id:
                raise MigrationSetError(
                    f"{migration.path}: '-- depends: {dependency}' names no migration in "
                    f"{migration.path.parent}"
                )
    ordered: list[Migration] = []
    placed: set[str] = set()
    remaining = list(migrations)
    while remaining:
        ready = next((m for m in remaining if placed.issuperset(m.depends)), None)
        if ready is None:
            cycle = ", ".join(m.id for m in remaining if not placed.issuperset(m.depends))
            raise MigrationSetError(f"'-- depends:' cycle among {cycle}")
        ordered.append(ready)
        placed.add(ready.id)
        remaining.remove(ready)
    return ordered


def _statement_lines(source: str, statements: tuple[str, ...]) -> list[int]:
    lines: list[int] = []
    offset = 0
    for text in statements:
        found = source.find(text, offset)
        if found < 0:  # sqlparse normalised something; fall back to the last known place
            found = offset
        lines.append(source.count("\n", 0, found) + 1)
        offset = found + len(text)
    return lines
