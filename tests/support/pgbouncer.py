"""A real PgBouncer (Debian's package) in transaction mode in front of the test server, run as
the unprivileged server user (PgBouncer refuses to run as root)."""

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
from typing import Any

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xferity_schema.servers.local import ensure_server_user, free_port


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(p, os.X_OK)), None
    )


@dataclass(frozen=True)
class Bouncer:
    port: int
    server_params: dict[str, Any]

    def dsn(self, dbname: str) -> str:
        """A client DSN to `dbname` through the pooler (TCP, same user and password)."""
        return make_conninfo(
            "",
            **{**self.server_params, "host": "127.0.0.1", "port": self.port, "dbname": dbname},
        )


def _identity() -> dict[str, Any]:
    if os.geteuid() != 0:
        return {}
    entry = ensure_server_user()
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


@contextmanager
def running_pgbouncer(server_dsn: str, *, pool_size: int = 3) -> Iterator[Bouncer]:
    """Start PgBouncer (transaction pooling, `pool_size` server connections per database and
    user) in front of the server of `server_dsn`; stop it afterwards."""
    binary = pgbouncer_binary()
    assert binary is not None
    params = conninfo_to_dict(server_dsn)
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="xferity-pgbouncer-"))
    (root / "userlist.txt").write_text(
        f'"{params["user"]}" "{params.get("password", "")}"\n', encoding="utf-8"
    )
    (root / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={params['host']} port={params['port']}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = plain\n"
        f"auth_file = {root / 'userlist.txt'}\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {pool_size}\n"
        "max_client_conn = 200\n"
        "server_reset_query =\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {root / 'pgbouncer.log'}\n",
        encoding="utf-8",
    )
    identity = _identity()
    if identity:
        for path in (root, *root.iterdir()):
            os.chown(path, identity["user"], identity["group"])
    process = subprocess.Popen(
        [binary, str(root / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd="/",
        **identity,
    )
    try:
        _wait_for_port(port, process, root)
        yield Bouncer(port, params)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (root / "pgbouncer.log").read_text(errors="replace")
                if (root / "pgbouncer.log").exists()
                else ""
            )
            raise RuntimeError(f"pgbouncer exited {process.returncode}: {log[-500:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("pgbouncer did not start listening within 15 s")
