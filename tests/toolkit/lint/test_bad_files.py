"""A file that is not plain UTF-8 is one finding, and the run lints every other file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from xferity_schema.cli import main
from xferity_schema.lint.engine import lint

GOOD = (
    "-- Add a note column\nALTER TABLE xferity.jobs ADD COLUMN note text;\n"
    "COMMENT ON COLUMN xferity.jobs.note IS 'Free text.';\n"
)


def _set(tmp_path: Path) -> Path:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_jobs.sql").write_text(
        "-- Jobs\nCREATE TABLE xferity.jobs (id bigint PRIMARY KEY);\n"
        "COMMENT ON TABLE xferity.jobs IS 'Jobs.';\nCOMMENT ON COLUMN xferity.jobs.id IS 'Key.';\n",
        encoding="utf-8",
    )
    return migrations


def test_non_utf8_file_is_one_finding_and_the_rest_is_linted(tmp_path: Path) -> None:
    migrations = _set(tmp_path)
    latin1 = migrations / "0002_latin1.sql"
    latin1.write_bytes("-- Café\nSELECT 'é';\n".encode("latin-1"))
    later = migrations / "0003_lock.sql"
    later.write_text("-- Lock\nLOCK TABLE xferity.jobs;\n", encoding="utf-8")
    result = lint([migrations], use_cache=False)
    on_latin1 = [f for f in result.findings if f.path == latin1 and f.is_error]
    assert [f.rule for f in on_latin1] == ["encoding"]
    assert "line 1" in on_latin1[0].message
    assert "lock-table" in {f.rule for f in result.findings if f.path == later}


def test_bom_is_one_finding_and_the_file_is_still_linted(tmp_path: Path) -> None:
    migrations = _set(tmp_path)
    bom = migrations / "0002_bom.sql"
    bom.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    result = lint([migrations], use_cache=False)
    rules = [f.rule for f in result.findings if f.path == bom and f.is_error]
    assert rules == ["utf8-bom"], rules
    assert not [f for f in result.findings if f.rule == "parse-error"]


def test_cli_reports_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    migrations = _set(tmp_path)
    (migrations / "0002_bad.sql").write_bytes(b"-- x\nSELECT '\xff';\n")
    done = CliRunner().invoke(main, ["lint", "--no-cache", str(migrations)])
    assert done.exit_code == 1
    assert "encoding" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "Traceback" not in done.output
