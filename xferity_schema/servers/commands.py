"""`xferity-schema embedded status|stop`: the embedded development server."""

from __future__ import annotations

import click

from xferity_schema.core.edge import one_line_errors
from xferity_schema.servers import embedded


@click.group("embedded")
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
