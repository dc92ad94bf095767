"""What a SIGKILLed apply leaves behind, on every major version.

PostgreSQL 14+ (client_connection_check_interval = 1s): the orphaned backend notices the dead
client within about a second, rolls back and releases the lock; the next apply proceeds at once.
PostgreSQL 13 has no such setting: the orphaned backend finishes the statement it is running,
then finds the client gone, rolls back and releases the lock. The next apply waits for that
(polling the lock, saying who holds it), then proceeds and applies everything exactly once.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from tests.support.cli import spawn_cli, write_migrations
from xferity_schema.migrate.runner import MIGRATION_LOCK_KEY
from xferity_schema.servers.scratch import ScratchServer

BASE = {"0001_base.sql": "CREATE TABLE public.orphan_base (id int);\n"}


def query(dsn: str, text: str, params: tuple[object, ...] = ()) -> object:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(text, params).fetchone()
        return None if row is None else row[0]


def sleeping_backends(dsn: str, statement: str) -> int:
    return int(
        str(
            query(
                dsn,
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s AND a.query = %s",
                (MIGRATION_LOCK_KEY, statement),
            )
        )
    )


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.1)


def test_next_apply_after_a_sigkill(
    fresh_db: str, pg_server: ScratchServer, tmp_path: Path
) -> None:
    old_server = pg_server.major_version < 14
    sleep_seconds = 6 if old_server else 120
    statement = f"SELECT pg_sleep({sleep_seconds});"
    directory = write_migrations(
        tmp_path / "m",
        {**BASE, "0002_slow.sql": f"CREATE TABLE public.orphan_slow (id int);\n{statement}\n"},
    )
    victim = spawn_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(directory))
    wait_for(lambda: sleeping_backends(fresh_db, statement) == 1)
    killed_at = time.monotonic()
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)

    # The successor runs the same migration without the sleep (it never committed, so it is
    # still pending and may change).
    fast = write_migrations(
        tmp_path / "fast", {**BASE, "0002_slow.sql": "CREATE TABLE public.orphan_slow (id int);\n"}
    )
    successor = spawn_cli(
        "apply", "--dsn", fresh_db, "--migrations-dir", str(fast), "--lock-timeout", "60"
    )
    if old_server:
        # 13: the orphan still runs its statement and holds the lock; the successor waits.
        time.sleep(2)
        assert sleeping_backends(fresh_db, statement) == 1
        assert successor.poll() is None
    out, err = successor.communicate(timeout=90)
    assert successor.returncode == 0, err
    waited = time.monotonic() - killed_at
    if old_server:
        assert waited >= sleep_seconds - 1  # it proceeded only once the statement had ended
    else:
        assert waited < sleep_seconds / 2  # it never waited for the 120 s statement
    assert "applied 1 migration(s)" in out  # 0002 only: 0001 had committed before the kill
    applied = query(fresh_db, "SELECT count(*) FROM xferity.schema_migrations")
    assert applied == 2
    assert query(fresh_db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0
