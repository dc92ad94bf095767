"""`xferity-schema docs` on a real PostgreSQL: deterministic output (two runs, and PostgreSQL 13
against 18), the committed docs current, a comment edit or an unplaced table caught, every
table on exactly one page."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.reference.areas import AREAS, RUNNER, area_of_migration
from xferity_schema.reference.install import fresh_install
from xferity_schema.reference.model import build_reference
from xferity_schema.servers.local import embedded_bin_dir
from xferity_schema.servers.scratch import ScratchServer

REPO_ROOT = Path(__file__).resolve().parents[3]
PG_CACHE = Path(os.environ.get("XFERITY_PG_CACHE", REPO_ROOT / ".xferity-cache" / "pg"))
MAIN_PG_CACHE = Path("/work/main/.xferity-cache/pg")


def docs(*args: str) -> tuple[int, str]:
    result = run_cli("docs", *args)
    return result.exit_code, result.stdout + result.stderr


def generated_files(root: Path) -> dict[str, bytes]:
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.glob("docs/schema/*")}
    files["sql/schema.sql"] = (root / "sql" / "schema.sql").read_bytes()
    return files


def scratch_migrations(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of sql/migrations plus one new migration numbered after the last."""
    directory = tmp_path / "sql" / "migrations"
    shutil.copytree(migrations_dir(), directory)
    last = read_migration_set(directory)[-1].number
    (directory / f"{last + 1:04d}_{name}.sql").write_text(text, encoding="utf-8")
    return directory


def other_major_bin_dir(major: int) -> Path | None:
    """PostgreSQL 13 when the suite runs on 14+, else the embedded 18."""
    if major == 13:
        return embedded_bin_dir()
    for cache in (PG_CACHE, MAIN_PG_CACHE):
        if (cache / "13" / "bin" / "postgres").exists():
            return cache / "13" / "bin"
    return None


@pytest.fixture(scope="module")
def first_run(pg_server: ScratchServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs-first")
    code, output = docs("--out", str(out), "--scratch-dsn", pg_server.superuser_dsn())
    assert code == 0, output
    return out


def test_two_runs_write_byte_identical_files(
    first_run: Path, pg_server: ScratchServer, tmp_path: Path
) -> None:
    code, output = docs("--out", str(tmp_path), "--scratch-dsn", pg_server.superuser_dsn())
    assert code == 0, output
    first, second = generated_files(first_run), generated_files(tmp_path)
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []
    # One page per area, the index and the DDL; nothing else.
    assert sorted(first) == sorted(
        ["docs/schema/README.md", "sql/schema.sql", *(f"docs/schema/{a.page}" for a in AREAS)]
    )


def test_postgresql_13_and_18_write_byte_identical_files(
    first_run: Path, pg_server: ScratchServer, tmp_path: Path
) -> None:
    other = other_major_bin_dir(pg_server.major_version)
    if other is None:
        pytest.skip("no PostgreSQL 13 binaries: run python scripts/pg_matrix.py --fetch-only")
    code, output = docs("--out", str(tmp_path), "--pg-bin", str(other))
    assert code == 0, output
    here, there = generated_files(first_run), generated_files(tmp_path)
    differing = [p for p in here if here[p] != there.get(p)]
    assert differing == [], differing


def test_committed_docs_are_current(first_run: Path) -> None:
    """What `docs --check` checks in CI: the repository's files equal a fresh generation."""
    here = generated_files(first_run)
    committed = generated_files(REPO_ROOT)
    assert sorted(committed) == sorted(here), "stray or missing page in docs/schema/"
    stale = [p for p in here if committed[p] != here[p]]
    assert stale == [], f"stale: {stale}: run xferity-schema docs and commit the result"


def test_check_passes_on_a_current_tree_and_writes_nothing(
    first_run: Path, pg_server: ScratchServer, tmp_path: Path
) -> None:
    shutil.copytree(first_run, tmp_path / "out")
    code, output = docs(
        "--check", "--out", str(tmp_path / "out"), "--scratch-dsn", pg_server.superuser_dsn()
    )
    assert code == 0, output
    assert "docs are current" in output
    assert not filecmp.dircmp(first_run / "docs", tmp_path / "out" / "docs").diff_files


def test_a_comment_edit_makes_check_fail_naming_the_stale_files(
    first_run: Path, pg_server: ScratchServer, tmp_path: Path
) -> None:
    migrations = scratch_migrations(
        tmp_path,
        "jobs_comment",
        "-- A comment edit whose docs were not regenerated.\n\n"
        "COMMENT ON COLUMN xferity.jobs.priority IS 'Edited: higher runs first.';\n",
    )
    out = tmp_path / "out"
    shutil.copytree(first_run, out)
    code, output = docs(
        "--check",
        "--out",
        str(out),
        "--migrations-dir",
        str(migrations),
        "--scratch-dsn",
        pg_server.superuser_dsn(),
    )
    assert code == 1, output
    stale = re.findall(r"^stale: (\S+)$", output, re.MULTILINE)
    # The column's page and the DDL; the index counts the migrations.
    assert stale == ["docs/schema/README.md", "docs/schema/job-queue.md", "sql/schema.sql"], output
    # --check wrote nothing; a plain run brings the files up to date.
    assert generated_files(out) == generated_files(first_run)
    code, output = docs(
        "--out",
        str(out),
        "--migrations-dir",
        str(migrations),
        "--scratch-dsn",
        pg_server.superuser_dsn(),
    )
    assert code == 0, output
    assert "Edited: higher runs first." in (out / "docs/schema/job-queue.md").read_text()


def test_a_leftover_page_is_stale(
    first_run: Path, pg_server: ScratchServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(first_run, out)
    (out / "docs/schema/old-area.md").write_text("# gone\n")
    code, output = docs("--check", "--out", str(out), "--scratch-dsn", pg_server.superuser_dsn())
    assert code == 1
    assert "stale: docs/schema/old-area.md" in output


def test_a_table_from_a_migration_no_area_claims_fails_loudly(
    pg_server: ScratchServer, tmp_path: Path
) -> None:
    migrations = scratch_migrations(
        tmp_path,
        "gizmos",
        "-- A new feature nobody placed in a docs area.\n\n"
        "CREATE TABLE xferity.gizmos (gizmo_id bigint PRIMARY KEY);\n",
    )
    code, output = docs(
        "--out",
        str(tmp_path / "out"),
        "--migrations-dir",
        str(migrations),
        "--scratch-dsn",
        pg_server.superuser_dsn(),
    )
    assert code == 1
    lines = output.strip().splitlines()
    assert lines[-1].startswith("error: ")
    assert "table xferity.gizmos" in lines[-1] and "_gizmos" in lines[-1]
    assert "reference/areas.py" in lines[-1]
    assert "Traceback" not in output
    assert not (tmp_path / "out" / "docs").exists()  # nothing half-written


def test_every_table_is_on_exactly_one_page(pg_server: ScratchServer, first_run: Path) -> None:
    install = fresh_install(pg_server, read_migration_set(migrations_dir()))
    reference = build_reference(install)
    placed = [t for area in reference.areas for t in area.table_names()]
    assert sorted(placed) == install.snapshot.names("table")
    assert len(placed) == len(set(placed))
    # ... and each has its section on its own area's page, and on no other.
    for area in reference.areas:
        page = (first_run / "docs/schema" / area.area.page).read_text()
        headings = re.findall(r"^### `([a-z_0-9]+)`$", page.split("## Views")[0], re.MULTILINE)
        assert headings == [t.split(".", 1)[1] for t in area.table_names()], area.area.slug
    # Every migration that creates objects is claimed by one area, the runner's tables too.
    claimed = area_of_migration()
    assert set(install.origins.values()) <= set(claimed)
    assert RUNNER in claimed
