"""`xferity-schema diff`: compare the xferity schemas of two live databases."""

from __future__ import annotations

import os
import sys

import click

from xferity_schema.compare.diff import diff_snapshots
from xferity_schema.compare.snapshot import SchemaSnapshot, snapshot_schema
from xferity_schema.core.db import connect
from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.options import json_option
from xferity_schema.core.settings import ConnectionTarget, parse_dsn


@click.command("diff")
@click.argument("dsn_a")
@click.argument("dsn_b")
@json_option
@one_line_errors
def diff_command(dsn_a: str, dsn_b: str, as_json: bool) -> None:
    """Compare the xferity schemas of two live databases. Exit 0 when equal, 4 when not."""
    snapshots: list[SchemaSnapshot] = []
    for label, dsn in (("DSN_A", dsn_a), ("DSN_B", dsn_b)):
        target = ConnectionTarget(parse_dsn(dsn, os.environ, label), label)
        conn = connect(target)
        try:
            snapshots.append(snapshot_schema(conn))
        finally:
            conn.close()
    diff = diff_snapshots(snapshots[0], snapshots[1], "a", "b")
    click.echo(diff.to_json_text() if as_json else diff.render())
    sys.exit(int(diff.exit_code))
