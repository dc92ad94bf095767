"""xferity-schema lint: each layer and rule on small bad and good examples (no database needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support.paths import REPO_ROOT
from xferity_schema.cli import main
from xferity_schema.core.paths import sql_dir
from xferity_schema.lint import checksums, scaffold
from xferity_schema.lint.engine import LintResult, lint
from xferity_schema.lint.report import render
from xferity_schema.lint.rules import looks_like_secret

CASES = Path(__file__).resolve().parent / "cases"
GOOD = CASES / "good"


def make_repo(root: Path, *files: Path, names: list[str] | None = None) -> Path:
    """A throwaway checkout: the repository's .sqlfluff and sql/migrations with `files`."""
    shutil.copy(REPO_ROOT / ".sqlfluff", root / ".sqlfluff")
    migrations = root / "sql" / "migrations"
    migrations.mkdir(parents=True)
    for index, source in enumerate(files):
        name = names[index] if names else source.name
        shutil.copy(source, migrations / name)
    return root / "sql"


def lint_case(tmp_path: Path, case: str) -> LintResult:
    """One bad example as migration 0002 of a set whose 0001 is the good one."""
    sql = make_repo(
        tmp_path,
        GOOD / "0001_transfer_jobs.sql",
        CASES / case,
        names=["0001_transfer_jobs.sql", "0002_case.sql"],
    )
    return lint([sql])


def rules_of(result: LintResult, severity: str = "error") -> set[str]:
    return {f.rule for f in result.findings if f.severity == severity}


# --- the good example passes every layer -----------------------------------------------------


def test_good_migration_set_has_no_errors(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, *sorted(GOOD.glob("*.sql")))
    result = lint([sql])
    assert result.errors == 0, render(result, "text")
    assert rules_of(result, "warning") == {"migration-unhashed"}


# --- each rule fires on its bad example -------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "rule"),
    [
        ("bad/missing_comment.sql", "missing-comment"),
        ("bad/primary_key.sql", "primary-key"),
        ("bad/xferity_schema.sql", "xferity-schema"),
        ("bad/security_definer_search_path.sql", "security-definer-search-path"),
        ("bad/pg13_merge.sql", "pg13-compat"),
        ("bad/pg13_nulls_not_distinct.sql", "pg13-compat"),
        ("bad/pg13_create_or_replace_trigger.sql", "pg13-compat"),
        ("bad/pg13_security_invoker.sql", "pg13-compat"),
        ("bad/pg13_function_body.sql", "pg13-compat"),
        ("bad/grant_public.sql", "grant-public"),
        ("bad/plaintext_secret.sql", "plaintext-secret"),
        ("bad/migration_header.sql", "migration-header"),
        ("bad/non_transactional_statements.sql", "non-transactional-statements"),
        ("bad/parse_error.sql", "parse-error"),
        ("bad/style.sql", "CP01"),
        ("bad/style.sql", "CP05"),
        ("bad/style.sql", "LT02"),
        ("bad/style.sql", "LT04"),
        ("bad/waiver_without_reason.sql", "waiver-without-reason"),
        ("bad/concurrently_in_transaction.sql", "needs-non-transactional"),
    ],
)
def test_rule_fires_on_bad_example(tmp_path: Path, case: str, rule: str) -> None:
    result = lint_case(tmp_path, case)
    assert rule in rules_of(result), render(result, "text")


@pytest.mark.parametrize(
    ("case", "rule"),
    [
        ("bad/squawk_non_concurrent_index.sql", "require-concurrent-index-creation"),
        ("bad/squawk_column_type.sql", "changing-column-type"),
        ("bad/squawk_not_null_without_default.sql", "adding-required-field"),
        ("bad/squawk_drop_column.sql", "ban-drop-column"),
        ("bad/squawk_drop_table.sql", "ban-drop-table"),
    ],
)
def test_squawk_flags_what_locks_or_breaks_a_live_database(
    tmp_path: Path, case: str, rule: str
) -> None:
    result = lint_case(tmp_path, case)
    safety = {f.rule for f in result.findings if f.layer == "safety" and f.is_error}
    assert rule in safety, render(result, "text")


def test_squawk_accepts_an_index_on_a_table_created_in_the_same_migration(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, GOOD / "0001_transfer_jobs.sql")
    result = lint([sql])
    assert not [f for f in result.findings if f.layer == "safety"], render(result, "text")


def test_non_transactional_migration_is_linted_outside_a_transaction(tmp_path: Path) -> None:
    # CONCURRENTLY in a `-- transactional: false` migration is right; in a transactional one
    # it fails (see the squawk_concurrently_in_transaction case).
    sql = make_repo(tmp_path, GOOD / "0003_transfer_jobs_state_idx.sql")
    result = lint([sql])
    assert not [f for f in result.findings if f.layer == "safety"], render(result, "text")


def test_pg13_finding_points_into_the_function_body(tmp_path: Path) -> None:
    result = lint_case(tmp_path, "bad/pg13_function_body.sql")
    (finding,) = [f for f in result.findings if f.rule == "pg13-compat"]
    assert finding.line == 7  # `RETURN p_payload['flow'];`
    assert "jsonb subscripting" in finding.message


def test_missing_comment_is_satisfied_by_a_later_migration(tmp_path: Path) -> None:
    later = tmp_path / "later.sql"
    later.write_text(
        "-- Documents what 0002 forgot.\n\n"
        "COMMENT ON COLUMN xferity.notes.body IS 'The note itself.';\n",
        encoding="utf-8",
    )
    sql = make_repo(
        tmp_path,
        GOOD / "0001_transfer_jobs.sql",
        CASES / "bad/missing_comment.sql",
        later,
        names=["0001_transfer_jobs.sql", "0002_notes.sql", "0003_notes_comment.sql"],
    )
    assert "missing-comment" not in rules_of(lint([sql]))


@pytest.mark.parametrize(
    ("column", "secret"),
    [
        ("password", True),
        ("api_key", True),
        ("client_secret", True),
        ("session_token", True),
        ("private_key", True),
        ("password_hash", False),
        ("token_sha256", False),
        ("client_secret_ciphertext", False),
        ("password_vault_ref", False),
        ("token_expires_at", False),
        ("secret_name", False),
        ("idempotency_key", False),
    ],
)
def test_secret_column_names(column: str, secret: bool) -> None:
    assert looks_like_secret(column) is secret


# --- waivers ----------------------------------------------------------------------------------


def test_waiver_with_reason_waives_that_rule_on_the_next_line(tmp_path: Path) -> None:
    result = lint_case(tmp_path, "waivers/with_reason.sql")
    assert "ban-drop-column" not in rules_of(result)
    assert [f.rule for f in result.waived] == ["ban-drop-column"]
    assert result.errors == 0, render(result, "text")


def test_trailing_waiver_covers_its_own_line(tmp_path: Path) -> None:
    result = lint_case(tmp_path, "waivers/trailing.sql")
    assert "ban-drop-column" not in rules_of(result)
    assert [f.rule for f in result.waived] == ["ban-drop-column"]


def test_waiver_without_reason_is_an_error_and_waives_nothing(tmp_path: Path) -> None:
    result = lint_case(tmp_path, "bad/waiver_without_reason.sql")
    assert {"waiver-without-reason", "ban-drop-column"} <= rules_of(result)
    assert result.waived == []


def test_unused_waiver_is_a_warning(tmp_path: Path) -> None:
    result = lint_case(tmp_path, "waivers/unused.sql")
    assert "unused-waiver" in rules_of(result, "warning")
    assert result.errors == 0, render(result, "text")


# --- output formats ---------------------------------------------------------------------------


def test_output_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo(
        tmp_path,
        GOOD / "0001_transfer_jobs.sql",
        CASES / "bad/grant_public.sql",
        names=["0001_transfer_jobs.sql", "0002_grant.sql"],
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    text = runner.invoke(main, ["lint", "sql"])
    assert text.exit_code == 1
    assert "sql/migrations/0002_grant.sql:3:37: grant-public: never GRANT to PUBLIC" in text.output

    github = runner.invoke(main, ["lint", "--format", "github", "sql"])
    assert github.exit_code == 1
    assert (
        "::error file=sql/migrations/0002_grant.sql,line=3,col=37,title=rules%3A grant-public::"
        in github.output
    )
    assert "::warning file=sql/migrations/0001_transfer_jobs.sql,line=1,col=1," in github.output

    as_json = runner.invoke(main, ["lint", "--format", "json", "sql"])
    assert as_json.exit_code == 1
    report = json.loads(as_json.output)
    assert report["errors"] == 1
    (error,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert error == {
        "path": "sql/migrations/0002_grant.sql",
        "line": 3,
        "col": 37,
        "rule": "grant-public",
        "severity": "error",
        "layer": "rules",
        "message": "never GRANT to PUBLIC: grant to a named xferity role",
    }


def test_lint_exits_zero_with_only_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(tmp_path, GOOD / "0001_transfer_jobs.sql")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "sql"])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 1 warning(s)" in result.output


# --- released migrations are immutable --------------------------------------------------------


def test_hash_then_edit_fails_lint(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, *sorted(GOOD.glob("*.sql")))
    runner = CliRunner()
    hashed = runner.invoke(main, ["hash", "--sql-dir", str(sql)])
    assert hashed.exit_code == 0, hashed.output
    assert lint([sql]).errors == 0
    assert "migration-unhashed" not in rules_of(lint([sql]), "warning")
    assert runner.invoke(main, ["hash", "--check", "--sql-dir", str(sql)]).exit_code == 0

    edited = sql / "migrations" / "0002_transfer_jobs_note.sql"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n-- one more line\n", encoding="utf-8")
    result = lint([sql])
    assert [(f.path.name, f.rule) for f in result.findings if f.is_error] == [
        ("0002_transfer_jobs_note.sql", "migration-immutable")
    ]
    assert runner.invoke(main, ["hash", "--check", "--sql-dir", str(sql)]).exit_code == 1


def test_deleted_released_migration_fails_lint(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, *sorted(GOOD.glob("*.sql")))
    checksums.write_sum(sql / "migrations")
    (sql / "migrations" / "0004_vault.sql").unlink()
    result = lint([sql])
    (finding,) = [f for f in result.findings if f.rule == "migration-immutable"]
    assert finding.path.name == "migrations.sum"
    assert "0004_vault.sql" in finding.message


def test_new_migration_is_a_warning_until_hashed(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, GOOD / "0001_transfer_jobs.sql")
    checksums.write_sum(sql / "migrations")
    shutil.copy(GOOD / "0002_transfer_jobs_note.sql", sql / "migrations")
    result = lint([sql])
    assert result.errors == 0
    (warning,) = result.findings
    assert (warning.path.name, warning.rule) == (
        "0002_transfer_jobs_note.sql",
        "migration-unhashed",
    )
    assert "run `xferity-schema hash`" in warning.message


def test_hand_edited_sum_file_fails_lint(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, GOOD / "0001_transfer_jobs.sql")
    checksums.write_sum(sql / "migrations")
    sum_file = sql / "migrations.sum"
    lines = sum_file.read_text(encoding="utf-8").splitlines()
    lines[-1] = "0" * 64 + lines[-1][64:]
    sum_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "migration-sum" in rules_of(lint([sql]))


def test_base_branch_sum_catches_a_rehashed_edit(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, GOOD / "0001_transfer_jobs.sql")
    checksums.write_sum(sql / "migrations")
    base = tmp_path / "base.sum"
    shutil.copy(sql / "migrations.sum", base)
    released = sql / "migrations" / "0001_transfer_jobs.sql"
    released.write_text(released.read_text(encoding="utf-8") + "\n-- sneaky\n", encoding="utf-8")
    checksums.write_sum(sql / "migrations")  # the author re-hashed
    assert "migration-immutable" not in rules_of(lint([sql]))
    assert "migration-immutable" in rules_of(lint([sql], released_sum=base))


# --- xferity-schema new -----------------------------------------------------------------------


def test_new_scaffolds_the_next_numbered_migration(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, GOOD / "0001_transfer_jobs.sql", GOOD / "0002_transfer_jobs_note.sql")
    checksums.write_sum(sql / "migrations")
    sum_before = (sql / "migrations.sum").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "Add vault-rotation", "--sql-dir", str(sql)])
    assert result.exit_code == 0, result.output
    created = sql / "migrations" / "0003_add_vault_rotation.sql"
    rollback = sql / "migrations" / "0003_add_vault_rotation.rollback.sql"
    assert created.read_text(encoding="utf-8").startswith("-- 0003 add vault rotation: ")
    assert rollback.read_text(encoding="utf-8").startswith("-- 0003 add vault rotation, rollback")
    # Drafts stay out of the sum until `hash`, so editing them never trips immutability...
    assert (sql / "migrations.sum").read_text(encoding="utf-8") == sum_before
    findings = lint([sql]).findings
    assert {(f.path.name, f.rule) for f in findings if not f.is_error} == {
        ("0003_add_vault_rotation.sql", "migration-unhashed"),
        ("0003_add_vault_rotation.rollback.sql", "migration-unhashed"),
    }
    # ...and an empty scaffold cannot be merged by accident.
    assert {f.rule for f in findings if f.is_error} == {"empty-migration"}


def test_new_never_reuses_a_released_number(tmp_path: Path) -> None:
    sql = make_repo(tmp_path, GOOD / "0001_transfer_jobs.sql", GOOD / "0004_vault.sql")
    checksums.write_sum(sql / "migrations")
    (sql / "migrations" / "0004_vault.sql").unlink()
    created = scaffold.create(sql / "migrations", "next")
    assert created.migration.name == "0005_next.sql"


def test_new_rejects_a_name_without_letters(tmp_path: Path) -> None:
    sql = make_repo(tmp_path)
    result = CliRunner().invoke(main, ["new", "!!!", "--sql-dir", str(sql)])
    assert result.exit_code == 2
    assert "cannot make a migration name" in result.output


# --- the repository itself --------------------------------------------------------------------


def test_repository_sql_lints_clean() -> None:
    result = lint([sql_dir()])
    assert result.errors == 0, render(result, "text", base=REPO_ROOT)
