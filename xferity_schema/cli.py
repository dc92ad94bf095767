"""The `xferity-schema` command: a thin shell over the library. Every failure a user can act on
becomes one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
import psycopg

from xferity_schema import __version__, embedded
from xferity_schema.demo import load_demo_data
from xferity_schema.errors import ExitCode, XferitySchemaError
from xferity_schema.grants import audit, render_grant_script
from xferity_schema.roles import RoleNames
from xferity_schema.session import CommandSession, open_session
from xferity_schema.status import render_status, status_exit_code, status_json

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: ExitCode) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(int(code))


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every known failure into `error: …` plus its exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except XferitySchemaError as exc:
            fail(str(exc), exc.exit_code)
        except psycopg.errors.InsufficientPrivilege as exc:
            fail(f"missing privilege: {exc.diag.message_primary or exc}", ExitCode.FAILURE)
        except psycopg.Error as exc:
            state = f" [SQLSTATE {exc.sqlstate}]" if exc.sqlstate else ""
            first = (exc.diag.message_primary or str(exc)).splitlines()[0]
            fail(f"database error: {first}{state}", ExitCode.FAILURE)
        except KeyboardInterrupt:
            fail("interrupted", ExitCode.FAILURE)
        raise AssertionError("unreachable")

    return wrapper


def connection_options(func: Callable[P, R]) -> Callable[P, R]:
    """--dsn, --config and --migrations-dir, shared by every command that talks to a database."""
    func = click.option(
        "--migrations-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Directory of NNNN_name.sql migrations (default: the packaged sql/migrations).",
    )(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Xferity YAML config; its state.postgres block gives the connection.",
    )(func)
    func = click.option(
        "--dsn",
        default=None,
        help="libpq DSN or URL (beats $XFERITY_DATABASE_URL, --config and the embedded server).",
    )(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xferity-schema")
def main() -> None:
    """Xferity's PostgreSQL schema: apply it, check it, audit it."""


@main.command()
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
    default=RoleNames().owner,
    show_default=True,
    help="SET ROLE to this role first when the login is a member of it (ignored if absent).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
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
    say = _progress(as_json)
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


@main.command()
@connection_options
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@one_line_errors
def status(
    dsn: str | None, config_path: Path | None, migrations_dir: Path | None, as_json: bool
) -> None:
    """Show applied and pending migrations. Exit 0 up to date, 3 pending, 4 drift or ahead."""
    with open_session(dsn, config_path, migrations_dir, _progress(as_json)) as session:
        state = session.state()
    click.echo(status_json(state) if as_json else render_status(state))
    sys.exit(int(status_exit_code(state)))


def _progress(as_json: bool) -> Callable[[str], None]:
    """Progress lines go to stdout, or to stderr when stdout carries JSON."""

    def say(line: str) -> None:
        click.echo(line, err=as_json)

    return say


@main.command()
@connection_options
@click.option("--demo", is_flag=True, required=True, help="Load the demo data set.")
@click.option("--reset", is_flag=True, help="Empty every table first (xferity.reset_all_data()).")
@one_line_errors
def seed(
    dsn: str | None, config_path: Path | None, migrations_dir: Path | None, demo: bool, reset: bool
) -> None:
    """Fill every table with realistic demo rows (all files load, or none)."""
    with open_session(dsn, config_path, migrations_dir, _progress(False)) as session:
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


def role_options(func: Callable[P, R]) -> Callable[P, R]:
    """--owner-role … --readonly-role, defaulting to the documented names."""
    defaults = RoleNames()
    for kind in ("readonly", "worker", "app", "migrator", "owner"):
        func = click.option(
            f"--{kind}-role",
            default=getattr(defaults, kind),
            show_default=True,
            help=f"Name of the {kind} role.",
        )(func)
    return func


@main.command()
@connection_options
@role_options
@click.option("--database", default="xferity", show_default=True, help="Database to grant on.")
@click.option(
    "--login",
    "logins",
    multiple=True,
    metavar="NAME=ROLE",
    help="A login user and the role it acts as (migrator, app, worker or readonly). Repeatable.",
)
@click.option("--check", is_flag=True, help="Audit the live database against the role model.")
@click.option("--json", "as_json", is_flag=True, help="With --check: findings as JSON.")
@one_line_errors
def grants(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    owner_role: str,
    migrator_role: str,
    app_role: str,
    worker_role: str,
    readonly_role: str,
    database: str,
    logins: tuple[str, ...],
    check: bool,
    as_json: bool,
) -> None:
    """Print the least-privilege grant script for a DBA to review, or audit a database (--check).
    Exit 0 when the audit finds nothing, 6 when it finds something."""
    names = RoleNames(owner_role, migrator_role, app_role, worker_role, readonly_role)
    if not check:
        click.echo(
            render_grant_script(names, database, [_split_login(v) for v in logins]), nl=False
        )
        return
    with open_session(dsn, config_path, migrations_dir, _progress(as_json)) as session:
        findings = audit(session.conn, names)
    if as_json:
        click.echo(json.dumps({"findings": [asdict(f) for f in findings], "ok": not findings}))
    else:
        for finding in findings:
            click.echo(finding.line())
        click.echo(
            f"{len(findings)} finding(s)" if findings else "the database matches the role model"
        )
    sys.exit(int(ExitCode.AUDIT_FINDINGS if findings else ExitCode.OK))


def _split_login(value: str) -> tuple[str, str]:
    name, sep, kind = value.partition("=")
    if not sep or not name or not kind:
        raise XferitySchemaError(f"--login takes NAME=ROLE, not {value!r}")
    return name, kind


@main.group("embedded")
def embedded_group() -> None:
    """Manage the embedded development server (used when no database is configured)."""


@embedded_group.command("status")
@one_line_errors
def embedded_status() -> None:
    """Say whether the embedded server runs, where its data is, and its DSN."""
    server = embedded.embedded_server()
    running = server.is_running()
    click.echo(f"data directory: {server.data_dir}")
    click.echo(f"running: {'yes' if running else 'no'}")
    if running:
        click.echo(f"dsn: {server.dsn(embedded.EMBEDDED_DATABASE)}")


@embedded_group.command("stop")
@one_line_errors
def embedded_stop() -> None:
    """Stop the embedded server (its data stays)."""
    stopped = embedded.stop_embedded_server()
    click.echo("stopped the embedded server" if stopped else "the embedded server was not running")


# commands registered by other modules
from xferity_schema.lint import commands as lint_commands  # noqa: E402

main.add_command(lint_commands.lint_command)
main.add_command(lint_commands.hash_command)
main.add_command(lint_commands.new_command)

from xferity_schema import upgrade_commands  # noqa: E402

upgrade_commands.register(main, one_line_errors)


def run(argv: list[str] | None = None) -> Any:
    """Entry point usable from Python: returns click's standalone result."""
    return main.main(args=argv, prog_name="xferity-schema")


if __name__ == "__main__":  # pragma: no cover
    main()
