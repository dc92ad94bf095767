"""Options and output helpers shared by the command families."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from xferity_schema.core.progress import Progress

P = ParamSpec("P")
R = TypeVar("R")

json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Xferity YAML config; its state.postgres block gives the connection.",
)

migrations_dir_option = click.option(
    "--migrations-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory of NNNN_name.sql migrations (default: the packaged sql/migrations).",
)


def connection_options(func: Callable[P, R]) -> Callable[P, R]:
    """--dsn, --config and --migrations-dir, shared by every command that talks to a database."""
    func = migrations_dir_option(func)
    func = config_option(func)
    func = click.option(
        "--dsn",
        default=None,
        help="libpq DSN or URL (beats $XFERITY_DATABASE_URL, --config and the embedded server).",
    )(func)
    return func


def progress_printer(as_json: bool) -> Progress:
    """Progress lines go to stdout, or to stderr when stdout carries JSON."""

    def say(line: str) -> None:
        click.echo(line, err=as_json)

    return say
