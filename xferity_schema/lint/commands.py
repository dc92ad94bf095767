"""CLI commands `lint`, `hash` and `new`: thin shells over the lint package.

The lint engine (pglast, sqlfluff, squawk) is imported only when `lint` runs, so the other
commands of the CLI work where only the runtime dependencies are installed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.paths import sql_dir as repository_sql_dir
from xferity_schema.lint import checksums, scaffold

FORMATS = ("text", "github", "json")

_SQL_DIR_OPTION = click.option(
    "--sql-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="The sql/ directory (default: the repository's).",
)


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text (file:line:col: rule: message), github (workflow annotations) or json.",
)
@click.option(
    "--released-sum",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The base branch's migrations.sum: its migrations count as released even if this "
    "branch re-hashed them.",
)
@click.option(
    "--no-cache", is_flag=True, help="Re-run sqlfluff on every file (ignore .xferity-cache/lint)."
)
@click.option(
    "--pg-bin",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Also apply each migration set to a throwaway PostgreSQL from this bin/ directory "
    "(13 in CI) inside a rolled-back transaction; report what the server refuses.",
)
@one_line_errors
def lint_command(
    paths: tuple[Path, ...],
    fmt: str,
    released_sum: Path | None,
    no_cache: bool,
    pg_bin: Path | None,
) -> None:
    """Lint SQL: style (sqlfluff), migration safety (squawk and set-aware lock rules), our own
    rules with PostgreSQL 13 compatibility, and optionally a real server (--pg-bin).

    PATHS are files or directories (default: the repository's sql/). Exits 1 on any error."""
    from xferity_schema.lint.engine import lint as run_lint
    from xferity_schema.lint.report import render

    result = run_lint(
        list(paths) or [repository_sql_dir()],
        released_sum=released_sum,
        use_cache=not no_cache,
        pg_bin=pg_bin,
    )
    click.echo(render(result, "json" if fmt == "json" else "github" if fmt == "github" else "text"))
    sys.exit(1 if result.errors else 0)


@click.command("hash")
@_SQL_DIR_OPTION
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if the sum file is stale.")
@one_line_errors
def hash_command(sql_dir: Path | None, check: bool) -> None:
    """Rewrite sql/migrations.sum from the files in sql/migrations."""
    migrations = (sql_dir or repository_sql_dir()) / "migrations"
    target = _shown(checksums.sum_path(migrations))
    if check:
        if checksums.is_up_to_date(migrations):
            click.echo(f"{target} is up to date")
            return
        click.echo(f"{target} is stale: run xferity-schema hash", err=True)
        sys.exit(1)
    added, changed, removed = checksums.write_sum(migrations)
    for name in added:
        click.echo(f"added    {name}")
    for name in changed:
        click.echo(f"CHANGED  {name}  (only fine if it was never released)", err=True)
    for name in removed:
        click.echo(f"REMOVED  {name}  (only fine if it was never released)", err=True)
    click.echo(f"wrote {target}")


@click.command("new")
@click.argument("name")
@_SQL_DIR_OPTION
@one_line_errors
def new_command(name: str, sql_dir: Path | None) -> None:
    """Scaffold the next numbered migration NNNN_NAME.sql and its rollback file."""
    migrations = (sql_dir or repository_sql_dir()) / "migrations"
    created = scaffold.create(migrations, name)
    click.echo(f"created {_shown(created.migration)}")
    click.echo(f"created {_shown(created.rollback)}")
    click.echo("run `xferity-schema hash` once the migration is final (lint reminds you)")


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
