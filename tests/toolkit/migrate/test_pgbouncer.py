"""Through a real PgBouncer in transaction mode: apply and rollback refuse in one line that names
the fix, before they take a lock, switch role or create anything; eight at once, with other
clients sharing the pool, all end cleanly and leave nothing held. status (read-only) works there,
without server-side prepared statements."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from tests.support.cli import run_cli, spawn_cli, write_migrations
from tests.support.one_line import assert_one_error_line
from tests.support.pgbouncer import PgBouncer, pgbouncer_binary, running_pgbouncer
from xferity_schema.servers.scratch import ScratchServer

pytestmark = pytest.mark.skipif(
    pgbouncer_binary() is None,
    reason="pgbouncer is not installed (apt-get install -y pgbouncer)",
)

SET = {
    "0001_base.sql": "CREATE TABLE xferity.pgb_base (id int);\n",
    "0002_more.sql": "CREATE TABLE xferity.pgb_more (id int);\nSELECT pg_sleep(0.1);\n",
}
POOLER = "looks like a connection pooler"
FIX = "connect directly to PostgreSQL"


@pytest.fixture(scope="module")
def bouncer(pg_server: ScratchServer) -> Iterator[PgBouncer]:
    with running_pgbouncer(pg_server.superuser_dsn(), pool_size=3) as running:
        yield running


def leftovers(direct_dsn: str) -> tuple[object, ...]:
    """(advisory locks held anywhere, whether xferity's tracking table exists)."""
    with psycopg.connect(direct_dsn) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'), "
            "to_regclass('xferity.schema_migrations') IS NOT NULL"
        ).fetchone()
        assert row is not None
        return tuple(row)


def test_apply_and_rollback_through_pgbouncer_refuse_in_one_line(
    fresh_db: str, bouncer: PgBouncer, tmp_path: Path
) -> None:
    directory = write_migrations(tmp_path / "m", SET)
    pooled = bouncer.dsn(fresh_db)
    for args in (["apply"], ["apply", "--dry-run"], ["rollback", "--steps", "1"]):
        result = run_cli(*args, "--dsn", pooled, "--migrations-dir", str(directory))
        if args == ["apply", "--dry-run"]:
            assert result.exit_code == 0, result.stderr  # a dry run changes nothing: allowed
            continue
        assert_one_error_line(result, POOLER, FIX)
    assert leftovers(fresh_db) == (0, False)


def test_status_works_through_pgbouncer(fresh_db: str, bouncer: PgBouncer, tmp_path: Path) -> None:
    directory = write_migrations(tmp_path / "m", SET)
    assert run_cli("apply", "--dsn", fresh_db, "--migrations-dir", str(directory)).exit_code == 0
    pooled = bouncer.dsn(fresh_db)
    processes = [
        spawn_cli("status", "--json", "--dsn", pooled, "--migrations-dir", str(directory))
        for _ in range(8)
    ]
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err  # no "prepared statement _pg3_0 already exists"
        assert '"up_to_date": true' in out


def test_eight_concurrent_applies_with_other_clients_in_the_pool(
    fresh_db: str,
    bouncer: PgBouncer,
    tmp_path: Path,
    make_role: Callable[..., str],
) -> None:
    owner = make_role("xferity_pgb_owner")  # the superuser login is a member: SET ROLE would run
    directory = write_migrations(tmp_path / "m", SET)
    pooled = bouncer.dsn(fresh_db)
    login = str(conninfo_to_dict(fresh_db)["user"])
    seen: set[tuple[object, ...]] = set()
    stop = threading.Event()

    def other_client() -> None:
        # Another application sharing the pool: it must never inherit a role, a lock or a
        # setting from a migration run.
        with psycopg.connect(pooled, autocommit=True, prepare_threshold=None) as conn:
            while not stop.is_set():
                row = conn.execute(
                    "SELECT current_user, current_setting('role'), "
                    "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid())"
                ).fetchone()
                assert row is not None
                seen.add(tuple(row))

    others = [threading.Thread(target=other_client) for _ in range(3)]
    for thread in others:
        thread.start()
    try:
        processes = [
            spawn_cli(
                "apply",
                "--dsn",
                pooled,
                "--migrations-dir",
                str(directory),
                "--owner-role",
                owner,
                "--lock-timeout",
                "5",
            )
            for _ in range(8)
        ]
        results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    finally:
        stop.set()
        for thread in others:
            thread.join(timeout=30)
    for code, _out, err in results:
        assert code != 0 and "Traceback" not in err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and POOLER in lines[0] and FIX in lines[0], err
    assert seen == {(login, "none", 0)}
    assert leftovers(fresh_db) == (0, False)
    # Connected directly, the same set applies cleanly, owned by the owner role, once the
    # database is prepared for it as the DBA's script does (the owner owns schema xferity:
    # apply switches role only then, issue 11).
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE SCHEMA xferity AUTHORIZATION {}").format(sql.Identifier(owner))
        )
    result = run_cli(
        "apply", "--dsn", fresh_db, "--migrations-dir", str(directory), "--owner-role", owner
    )
    assert result.exit_code == 0, result.stderr
    with psycopg.connect(fresh_db) as conn:
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relname IN "
            "('pgb_base', 'pgb_more', 'schema_migrations')"
        ).fetchall()
    assert owners == [(owner,)]
