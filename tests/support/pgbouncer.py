"""A real PgBouncer (Debian's package) in transaction mode in front of the test server.

Started by `running_pgbouncer(server_dsn)`; tests skip with a reason
when the binary is missing (`apt-get install pgbouncer`). As root it runs as the same
unprivileged user as the test servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xferity_schema.servers.local import ensure_server_user, free_port


@dataclass(frozen=True)
class PgBouncer:
    host: str
    port: int
    admin_log: Path

    def dsn(self, server_dsn: str) -> str:
        """`server_dsn`'s database and user, reached through the pooler."""
        params = conninfo_to_dict(server_dsn)
        return make_conninfo(
            "",
            host=self.host,
            port=str(self.port),
            dbname=str(params.get("dbname", "postgres")),
            user=str(params.get("user", "postgres")),
            connect_timeout="10",
        )


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )


@contextmanager
def running_pgbouncer(server_dsn: str, pool_size: int = 4) -> Iterator[PgBouncer]:
    """Transaction pooling, `pool_size` server connections per database/user pair: many
    clients share few sessions, as in production."""
    binary = pgbouncer_binary()
    if binary is None:
        pytest.skip("needs PgBouncer: scripts/install_test_deps.sh (apt-get install pgbouncer)")
    server = conninfo_to_dict(server_dsn)
    host = str(server.get("host") or "127.0.0.1")
    if host.startswith("/"):
        pytest.skip("the test server listens on a Unix socket only; PgBouncer needs TCP here")
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="xferity-pgbouncer-"))
    target = (
        f"host={host} port={server.get('port', 5432)} user={server.get('user', 'postgres')}"
        + (f" password={server['password']}" if server.get("password") else "")
    )
    config = root / "pgbouncer.ini"
    config.write_text(
        "\n".join(
            [
                "[databases]",
                f"* = {target}",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                f"listen_port = {port}",
                "unix_socket_dir =",
                "auth_type = any",
                "pool_mode = transaction",
                f"default_pool_size = {pool_size}",
                "max_client_conn = 500",
                f"logfile = {root / 'pgbouncer.log'}",
                f"pidfile = {root / 'pgbouncer.pid'}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    command = [binary, str(config)]
    if os.geteuid() == 0:
        user = ensure_server_user()
        os.chown(root, user.pw_uid, user.pw_gid)
        os.chown(config, user.pw_uid, user.pw_gid)
        config.chmod(0o600)
        command = [binary, "-u", user.pw_name, str(config)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until_listening(port, process)
        yield PgBouncer("127.0.0.1", port, root / "pgbouncer.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_listening(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"pgbouncer exited at start: {output.strip()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("pgbouncer did not start listening within 15 s")
