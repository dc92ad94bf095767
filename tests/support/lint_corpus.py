"""The labelled lint category cases (tests/toolkit/lint/categories/): loading, laying out as a
migration set, linting, and running on a real PostgreSQL.

A case file is one migration judged against a live schema (`base.sql`, an applied earlier
migration). Its header says what it is and what the lint must report:

    -- Case: LOCK TABLE on a live table blocks every read and write
    -- expect: lock-table            (rule ids, comma-separated; `none` for a clean case)

A line `-- @@ next migration @@` splits a case into several migrations: all but the last are
earlier (applied) migrations, only the last is judged. `-- transactional: false` in the judged
part's header is the runner's directive, as in any migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from xferity_schema.lint.engine import lint
from xferity_schema.lint.findings import Finding

CATEGORIES = Path(__file__).resolve().parent.parent / "toolkit" / "lint" / "categories"
SPLIT = "-- @@ next migration @@"
_EXPECT = re.compile(r"^--\s*expect:\s*(?P<rules>.+?)\s*$", re.MULTILINE)
_CASE = re.compile(r"^--\s*Case:\s*(?P<what>.+?)\s*$", re.MULTILINE)
COMPAT_RULE = "pg13-compat"


@dataclass(frozen=True)
class Case:
    path: Path
    layer: str  # "safety" or "compat"
    what: str
    expected: frozenset[str]  # empty: the lint must report nothing of this layer
    parts: tuple[str, ...]  # earlier migrations..., the judged one

    @property
    def positive(self) -> bool:
        return bool(self.expected)

    @property
    def judged(self) -> str:
        return self.parts[-1]

    @property
    def transactional(self) -> bool:
        return "-- transactional: false" not in self.judged


def load(layer: str) -> list[Case]:
    cases = []
    for path in sorted((CATEGORIES / layer).glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        expect = _EXPECT.search(text)
        what = _CASE.search(text)
        if expect is None or what is None:
            raise ValueError(f"{path}: needs `-- Case:` and `-- expect:` header lines")
        rules = {r.strip() for r in expect.group("rules").split(",")} - {"none", ""}
        parts = tuple(p.strip() + "\n" for p in text.split(SPLIT))
        cases.append(Case(path, layer, what.group("what"), frozenset(rules), parts))
    return cases


def base_sql() -> str:
    return (CATEGORIES / "base.sql").read_text(encoding="utf-8")


def write_set(case: Case, root: Path) -> Path:
    """Lay the case out as a migration set under `root`; return the judged file."""
    migrations = root / "migrations"
    migrations.mkdir(parents=True, exist_ok=True)
    files = [base_sql(), *case.parts]
    for number, text in enumerate(files, start=1):
        name = "base" if number == 1 else "case" if number == len(files) else f"step{number}"
        header = "" if text.lstrip().startswith("--") else f"-- {name}\n"
        (migrations / f"{number:04d}_{name}.sql").write_text(header + text, encoding="utf-8")
    return migrations / f"{len(files):04d}_case.sql"


def findings_of_layer(case: Case, found: list[Finding]) -> set[str]:
    """The error rules of the case's layer: safety findings, or pg13-compat ones."""
    if case.layer == "compat":
        return {f.rule for f in found if f.rule == COMPAT_RULE and f.is_error}
    return {f.rule for f in found if f.layer == "safety" and f.is_error}


def lint_case(case: Case, root: Path) -> set[str]:
    judged = write_set(case, root)
    result = lint([judged], use_cache=False)
    return findings_of_layer(case, [f for f in result.findings if f.path == judged])


def statements_for_server(case: Case) -> list[str]:
    """base.sql and the case's migrations as script texts, in order, for one transaction."""
    return [base_sql(), *case.parts]


def pg_bin(major: int) -> Path | None:
    """The cached bin/ of a PostgreSQL major (scripts/pg_matrix.py fills it), if there."""
    root = Path(__file__).resolve().parent.parent.parent / ".xferity-cache" / "pg"
    found = root / str(major) / "bin"
    return found if (found / "postgres").is_file() else None


def run_on_server(dsn: str, case: Case) -> str | None:
    """Apply base.sql and the case's migrations in one transaction, then roll back: None when
    the server accepts all of it, else its error message."""
    import psycopg

    from xferity_schema.core.queries import statement

    with psycopg.connect(dsn, autocommit=False) as conn:
        try:
            for text in statements_for_server(case):
                conn.execute(statement(text))
        except psycopg.Error as exc:
            return str(exc).strip().splitlines()[0]
        finally:
            conn.rollback()
    return None
