"""`xferity-schema apply`, `status`, `rollback` and `seed`: thin shells over the runner."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from xferity_schema.core.contract import DEFAULT_ROLE_NAMES
from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.errors import UsageError, XferitySchemaError
from xferity_schema.core.options import connection_options, json_option, progress_printer
from xferity_schema.migrate.files import numbering_gaps
from xferity_schema.migrate.session import CommandSession, open_session
from xferity_schema.migrate.status import render_status, status_exit_code, status_json

# Shared by apply and rollback: both take the migration lock and act as the owner.
lock_timeout_option = click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds to wait for another apply or rollback holding the migration lock.",
)
owner_role_option = click.option(
    "--owner-role",
    default=DEFAULT_ROLE_NAMES["owner"],
    show_default=True,
    help=(
        "SET ROLE to this role first when the login is a member of it and this database's "
        "role model (the grant script) names it; otherwise says what it does instead."
    ),
)


@click.command()
@connection_options
@click.option("--dry-run", is_flag=True, help="Print the pending plan and change nothing.")
@lock_timeout_option
@click.option(
    "--statement-lock-timeout",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds a transactional migration may wait for a table lock (0: no limit).",
)
@owner_role_option
@click.option(
    "--allow-out-of-order",
    is_flag=True,
    help="Apply a pending migration numbered below an applied one (recorded as out of order).",
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
    allow_out_of_order: bool,
    as_json: bool,
) -> None:
    """Apply pending migrations, each in its own transaction, under an advisory lock."""
    say = progress_printer(as_json)
    with open_session(dsn, config_path, migrations_dir, say) as session, _gap_warnings(session):
        if dry_run:
            _dry_run(session, as_json, allow_out_of_order)
            return
        report = session.apply(
            lock_timeout, owner_role, int(statement_lock_timeout * 1000), allow_out_of_order
        )
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "applied": [
                            {"id": i, "ms": ms, "out_of_order": i in report.out_of_order}
                            for i, ms in report.applied
                        ],
                        "up_to_date": True,
                        "dsn": session.target.redacted(),
                    }
                )
            )
        elif report.already_up_to_date:
            click.echo("nothing to apply: the database is up to date")
        else:
            click.echo(f"applied {len(report.applied)} migration(s); the database is up to date")


def _warn(lines: list[str]) -> None:
    """Warnings go to stderr, so that stdout stays what scripts parse."""
    for line in lines:
        click.echo(line, err=True)


@contextmanager
def _gap_warnings(session: CommandSession) -> Iterator[None]:
    """Warn about gaps in the numbering after the command succeeded: a failure stays the one
    `error:` line on stderr."""
    yield
    _warn(session.gap_warnings())


def _dry_run(session: CommandSession, as_json: bool, allow_out_of_order: bool) -> None:
    state = session.state()
    state.refuse_if_unsafe()
    if not allow_out_of_order:
        state.refuse_out_of_order()
    for migration in state.pending:
        migration.check_statements()
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
        gaps = numbering_gaps(session.migrations)
        warnings = session.gap_warnings()
    click.echo(status_json(state, gaps) if as_json else render_status(state))
    _warn(warnings)
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
    from xferity_schema.migrate.demo import load_demo_data  # deferred: status need not pay

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


@click.command()
@connection_options
@click.option(
    "--to", "to", default=None, metavar="ID", help="Undo every migration applied after ID."
)
@click.option(
    "--steps", type=click.IntRange(min=1), default=None, help="Undo the N newest migrations."
)
@click.option("--dry-run", is_flag=True, help="Print what would be rolled back; change nothing.")
@lock_timeout_option
@owner_role_option
@json_option
@one_line_errors
def rollback(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    to: str | None,
    steps: int | None,
    dry_run: bool,
    lock_timeout: float,
    owner_role: str,
    as_json: bool,
) -> None:
    """Run rollback files newest-first, each in its own transaction, under the migration lock.

    Refuses, changing nothing, when a migration in the range has no rollback file, or it or its
    rollback file changed since it was applied."""
    if (to is None) == (steps is None):
        raise UsageError("give exactly one of --to ID or --steps N")
    say = progress_printer(as_json)
    with open_session(dsn, config_path, migrations_dir, say) as session, _gap_warnings(session):
        if dry_run:
            plan = session.plan_rollback(to, steps)
            ids = [m.id for m in plan.steps]
            if as_json:
                result = {"dry_run": True, "would_roll_back": ids, "remaining": plan.remaining}
                click.echo(json.dumps(result))
                return
            click.echo(f"dry run: would roll back {len(ids)} migration(s), newest first:")
            for migration in plan.steps:
                assert migration.rollback_path is not None
                click.echo(f"  {migration.id}  with {migration.rollback_path.name}")
            click.echo(f"dry run: the newest applied would be {plan.remaining or 'none'}")
            click.echo("dry run: nothing was changed")
            return
        report = session.rollback(to, steps, lock_timeout, owner_role)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "rolled_back": [{"id": i, "ms": ms} for i, ms in report.rolled_back],
                    "remaining": report.remaining,
                }
            )
        )
        return
    undone = ", ".join(i for i, _ in report.rolled_back)
    click.echo(
        f"rolled back {len(report.rolled_back)} migration(s) ({undone}); "
        f"the newest applied is now {report.remaining or 'none'}"
    )
