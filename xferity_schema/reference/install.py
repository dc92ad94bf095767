"""A fresh install on a scratch server, migration by migration, snapshotted after each step so
that every object is known by the migration that created it.

The install follows the role model (the grant script, the least-privilege migrator, the grant
script again: upgrade.migrators), so the final snapshot's grants say which role may do what.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from xferity_schema.compare.snapshot import SchemaSnapshot, snapshot_schema
from xferity_schema.core.progress import Progress, silent
from xferity_schema.migrate.files import Migration
from xferity_schema.reference.areas import RUNNER
from xferity_schema.servers.scratch import ScratchServer
from xferity_schema.upgrade.migrators import RoleModelMigrator, role_model_aliases

ObjectKey = tuple[str, str]  # (kind, name) as in SchemaSnapshot.objects


@dataclass(frozen=True)
class FreshInstall:
    snapshot: SchemaSnapshot  # after every migration; roles shown as `<app role>` ...
    origins: dict[ObjectKey, str]  # the migration id (or RUNNER) that created each object
    migration_ids: tuple[str, ...]


def fresh_install(
    server: ScratchServer, migrations: Sequence[Migration], progress: Progress = silent
) -> FreshInstall:
    migrator = RoleModelMigrator()
    aliases = role_model_aliases(migrator.names)
    dbname = f"xferity_docs_{uuid.uuid4().hex[:10]}"
    origins: dict[ObjectKey, str] = {}
    with migrator.on_server(server, progress):
        dsn = server.create_database(dbname)
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                snapshot = None
                for k in range(len(migrations) + 1):
                    migrator.apply(server, dbname, migrations[:k])
                    snapshot = snapshot_schema(conn, role_aliases=aliases)
                    label = migrations[k - 1].id if k else RUNNER
                    for kind, named in snapshot.objects.items():
                        for name in named:
                            origins.setdefault((kind, name), label)
                assert snapshot is not None
        finally:
            server.drop_database(dbname)
    progress(f"fresh install of {len(migrations)} migrations on {server.description}")
    return FreshInstall(snapshot, origins, tuple(m.id for m in migrations))
