"""Facts about the SQL contract that the toolkit needs in more than one place: one source each."""

from __future__ import annotations

SCHEMA = "xferity"

# Created by the migration runner, not by a migration; reset_all_data() keeps their rows.
TRACKING_TABLES = ("schema_migrations", "schema_migration_log")

# The role model: the kinds of role, in the order the CLI and the grant script list them, and
# their default names.
ROLE_KINDS = ("owner", "migrator", "app", "worker", "readonly")
LOGIN_ROLE_KINDS = ("migrator", "app", "worker", "readonly")
RUNTIME_ROLE_KINDS = ("app", "worker", "readonly")
DEFAULT_ROLE_NAMES = {kind: f"xferity_{kind}" for kind in ROLE_KINDS}

# Which functions the worker role may call, and which columns the read-only role may read, is
# part of the SQL contract itself (migration 0013): a function whose COMMENT starts with [worker]
# is the job API, one starting with [admin] no runtime role calls; every column's COMMENT starts
# with its data class, [public], [personal] or [secret]. xferity.role_model_privileges() reads
# them; there is no list of them here.
DATA_CLASSES = ("public", "personal", "secret")
