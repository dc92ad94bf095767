"""Which SQL files to lint, and what each one is: a migration, its rollback, or other SQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from yoyo.migrations import parse_metadata_from_sql_comments

from xferity_schema.core.contract import GENERATED_SQL_MARKER
from xferity_schema.migrate.files import MIGRATION_NAME, ROLLBACK_SUFFIX

Kind = Literal["migration", "rollback", "other"]
MIGRATIONS_DIRNAME = "migrations"


@dataclass(frozen=True)
class SqlFile:
    path: Path
    text: str

    @property
    def kind(self) -> Kind:
        return file_kind(self.path)

    @property
    def migration_id(self) -> str:
        name = self.path.name
        suffix = ROLLBACK_SUFFIX if name.endswith(ROLLBACK_SUFFIX) else ".sql"
        return name[: -len(suffix)]

    @property
    def well_named(self) -> bool:
        return self.kind == "other" or bool(MIGRATION_NAME.match(self.migration_id))

    @cached_property
    def _header(self) -> tuple[dict[str, str], str]:
        directives, comment, _ = parse_metadata_from_sql_comments(self.text)
        return dict(directives), comment.strip()

    @property
    def directives(self) -> dict[str, str]:
        """The `-- transactional:` and `-- depends:` lines, read as the runner (yoyo) reads them."""
        return self._header[0]

    @property
    def header_comment(self) -> str:
        """The leading comment lines (without directives): the migration's "why"."""
        return self._header[1]

    @property
    def transactional(self) -> bool:
        return self.directives.get("transactional", "true").strip().lower() != "false"


def file_kind(path: Path) -> Kind:
    if path.parent.name != MIGRATIONS_DIRNAME:
        return "other"
    return "rollback" if path.name.endswith(ROLLBACK_SUFFIX) else "migration"


def collect(paths: Iterable[Path]) -> list[Path]:
    """The .sql files named by `paths` (directories searched recursively, minus generated
    files: see GENERATED_SQL_MARKER), sorted, unique."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*.sql") if p.is_file() and not is_generated(p))
        elif path.suffix == ".sql":
            found.add(path)
    return sorted(found, key=lambda p: (str(p.parent), p.name))


def is_generated(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return handle.readline().startswith(GENERATED_SQL_MARKER)


BOM = "\ufeff"


class UnreadableFile(ValueError):
    """A file that is not UTF-8 text: what to tell the author (one finding, not a traceback)."""


def read(path: Path) -> SqlFile:
    """The file as UTF-8 text. A leading byte-order mark is dropped (the caller reports it,
    see `has_bom`); bytes that are not UTF-8 raise UnreadableFile."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}): PostgreSQL reads "
            "migrations as UTF-8; re-save the file as UTF-8"
        ) from None
    return SqlFile(path, text.removeprefix(BOM))


def has_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(3) == BOM.encode("utf-8")


def migration_set(directory: Path) -> list[SqlFile]:
    """The readable forward migrations of one migrations directory, in apply (number) order."""
    files = []
    for path in sorted(directory.glob("*.sql")):
        if file_kind(path) == "migration":
            try:
                files.append(read(path))
            except (UnreadableFile, OSError):
                continue  # reported when the file itself is linted
    return sorted(files, key=lambda f: f.path.name)
