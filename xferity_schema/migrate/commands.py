"""`xferity-schema apply`, `status` and `seed`: thin shells over the migration runner."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from xferity_schema.core.contract import DEFAULT_ROLE_NAMES
from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.errors import XferitySchemaError
from xferity_schema.core.options import connection_options, json_option, progress_printer
from xferity_schema.migrate.demo import load_demo_data
from xferity_schema.migrate.session import CommandSession, open_session
from xferity_schema.migrate.status import render_status, status_exit_code, status_json


@click.command()
@connection_options
@click.option("--dry-run", is_flag=True, help="Print the pending plan and change nothing.")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds to wait for another apply holding the migration lock.",
)
@click.option(
    "--statement-lock-timeout",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds a transactional migration may wait for a table lock (0: no limit).",
)
@click.option(
    "--owner-role",
    default=DEFAULT_ROLE_NAMES["owner"],
    show_default=True,
    help=(
        "SET ROLE to this role first when the login is a member of it and this database's "
        "role model (the grant script) names it; otherwise apply says what it does instead."
    ),
)
@json_option
@one_line_errors
def apply(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    dry_run: bool,
    lock_timeout: float,
    statement_lock_timeout: float,
    owner_role: str,
    as_json: bool,
) -> None:
    """Apply pending migrations, each in its own transaction, under an advisory lock."""
    say = progress_printer(as_json)
    with open_session(dsn, config_path, migrations_dir, say) as session:
        if dry_run:
            _dry_run(session, as_json)
            return
        report = session.apply(lock_timeout, owner_role, int(statement_lock_timeout * 1000))
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "applied": [{"id": i, "ms": ms} for i, ms in report.applied],
                        "up_to_date": True,
                        "dsn": session.target.redacted(),
                    }
                )
            )
        elif report.already_up_to_date:
            click.echo("nothing to apply: the database is up to date")
        else:
            click.echo(f"applied {len(report.applied)} migration(s); the database is up to date")


def _dry_run(session: CommandSession, as_json: bool) -> None:
    state = session.state()
    state.refuse_if_unsafe()
    if as_json:
        click.echo(json.dumps({"pending": [m.id for m in state.pending], "dry_run": True}))
        return
    if not state.pending:
        click.echo("dry run: nothing to apply: the database is up to date")
        return
    click.echo(f"dry run: would apply {len(state.pending)} migration(s), in this order:")
    for migration in state.pending:
        mode = "" if migration.transactional else "  (non-transactional)"
        click.echo(f"  {migration.id}  {len(migration.statements)} statement(s){mode}")
    click.echo("dry run: nothing was changed")


@click.command()
@connection_options
@json_option
@one_line_errors
def status(
    dsn: str | None, config_path: Path | None, migrations_dir: Path | None, as_json: bool
) -> None:
    """Show applied and pending migrations. Exit 0 up to date, 3 pending, 4 drift or ahead."""
    with open_session(dsn, config_path, migrations_dir, progress_printer(as_json)) as session:
        state = session.state()
    click.echo(status_json(state) if as_json else render_status(state))
    sys.exit(int(status_exit_code(state)))


@click.command()
@connection_options
@click.option("--demo", is_flag=True, required=True, help="Load the demo data set.")
@click.option("--reset", is_flag=True, help="Empty every table first (xferity.reset_all_data()).")
@one_line_errors
def seed(
    dsn: str | None, config_path: Path | None, migrations_dir: Path | None, demo: bool, reset: bool
) -> None:
    """Fill every table with realistic demo rows (all files load, or none)."""
    with open_session(dsn, config_path, migrations_dir, progress_printer(False)) as session:
        state = session.state()
        state.refuse_if_unsafe()
        if state.pending:
            raise XferitySchemaError(
                f"{len(state.pending)} migration(s) pending: run xferity-schema apply first"
            )
        files = load_demo_data(
            session.conn, [a.migration_id for a in state.applied], reset_first=reset
        )
    click.echo(f"loaded {len(files)} demo file(s): {', '.join(p.stem for p in files)}")
