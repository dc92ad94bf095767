"""The lint never crashes on SQL written the way other projects write their migrations: other
runners' directives (goose, Liquibase, dbmate), psql meta-commands and variables, Flyway and
template placeholders, positional parameters, COPY ... FROM stdin data, a file cut off
mid-statement, and a migration of many thousand statements. Each run ends with a result whose
findings point inside the files; unparsable input is a finding, never an exception."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from xferity_schema.cli import main
from xferity_schema.lint.engine import lint

FOREIGN = Path(__file__).resolve().parent / "foreign"
SAMPLES = sorted(FOREIGN.glob("*.sql"))


def _migration_set(root: Path) -> list[Path]:
    migrations = root / "migrations"
    migrations.mkdir(parents=True)
    laid_out = []
    for number, sample in enumerate(SAMPLES, start=1):
        target = migrations / f"{number:04d}_{sample.stem}.sql"
        shutil.copyfile(sample, target)
        laid_out.append(target)
    return laid_out


def _sane(result_files: list[Path], findings: list, texts: dict[Path, str]) -> None:
    for finding in findings:
        if finding.path in texts:
            lines = texts[finding.path].count("\n") + 1
            assert 1 <= finding.line <= lines, finding
            assert finding.col >= 1, finding
        assert finding.severity in ("error", "warning")
        assert finding.message


@pytest.mark.parametrize("as_migrations", [True, False], ids=["migrations", "plain-files"])
def test_foreign_migrations_lint_without_crashing(tmp_path: Path, as_migrations: bool) -> None:
    shutil.copyfile(Path(__file__).resolve().parents[3] / ".sqlfluff", tmp_path / ".sqlfluff")
    if as_migrations:
        files = _migration_set(tmp_path / "project")
    else:
        files = []
        for sample in SAMPLES:
            shutil.copyfile(sample, tmp_path / sample.name)
            files.append(tmp_path / sample.name)
    result = lint(files, use_cache=False)
    assert sorted(result.files) == sorted(files)
    _sane(result.files, result.findings, {f: f.read_text(encoding="utf-8") for f in files})
    by_file = {f.path for f in result.findings}
    # The file cut off mid-statement is reported, as a parse error, and nothing else stops.
    broken = next(f for f in files if "broken_sql" in f.name)
    assert broken in by_file


def test_cli_on_foreign_migrations_exits_with_one_status(tmp_path: Path) -> None:
    _migration_set(tmp_path / "project")
    migrations = tmp_path / "project" / "migrations"
    done = CliRunner().invoke(main, ["lint", "--no-cache", str(migrations)])
    assert done.exit_code in (0, 1)
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "Traceback" not in done.output


def test_a_migration_of_many_thousand_statements(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    lines = [
        "-- Seed rows, as a generated data migration does",
        "CREATE TABLE xferity.big (id bigint PRIMARY KEY, label text);",
        "COMMENT ON TABLE xferity.big IS 'Rows.';",
        "COMMENT ON COLUMN xferity.big.id IS 'Key.';",
        "COMMENT ON COLUMN xferity.big.label IS 'Label.';",
    ]
    lines += [f"INSERT INTO xferity.big (id, label) VALUES ({i}, 'row {i}');" for i in range(6000)]
    lines.append("LOCK TABLE xferity.big;")  # new in this migration: no lock finding
    huge = migrations / "0001_big.sql"
    huge.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = lint([huge], use_cache=False)
    assert result.errors == 0, [str(f) for f in result.findings if f.is_error]
