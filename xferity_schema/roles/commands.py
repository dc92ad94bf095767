"""`xferity-schema grants`: the DBA's grant script, or the audit of a live database."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from xferity_schema.core.contract import ROLE_KINDS
from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.errors import ExitCode, XferitySchemaError
from xferity_schema.core.options import connection_options, json_option, progress_printer
from xferity_schema.migrate.session import open_session
from xferity_schema.roles.audit import audit
from xferity_schema.roles.names import RoleNames
from xferity_schema.roles.script import render_grant_script


def role_options(func: click.decorators.FC) -> click.decorators.FC:
    """--owner-role … --readonly-role, defaulting to the documented names."""
    defaults = RoleNames()
    for kind in reversed(ROLE_KINDS):
        func = click.option(
            f"--{kind}-role",
            default=getattr(defaults, kind),
            show_default=True,
            help=f"Name of the {kind} role.",
        )(func)
    return func


@click.command()
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
@click.option(
    "--adopt-privileged-roles",
    is_flag=True,
    help=(
        "Let the script adopt, unchanged, an existing role that holds SUPERUSER, CREATEROLE, "
        "CREATEDB, REPLICATION or BYPASSRLS (or LOGIN, for the owner); without it the script "
        "refuses such a role."
    ),
)
@click.option("--check", is_flag=True, help="Audit the live database against the role model.")
@json_option
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
    adopt_privileged_roles: bool,
    check: bool,
    as_json: bool,
) -> None:
    """Print the least-privilege grant script for a DBA to review, or audit a database (--check).
    Exit 0 when the audit finds nothing, 6 when it finds something."""
    names = RoleNames(owner_role, migrator_role, app_role, worker_role, readonly_role)
    if not check:
        script = render_grant_script(
            names,
            database,
            [_split_login(v) for v in logins],
            adopt_privileged_roles=adopt_privileged_roles,
        )
        click.echo(script, nl=False)
        return
    with open_session(dsn, config_path, migrations_dir, progress_printer(as_json)) as session:
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
