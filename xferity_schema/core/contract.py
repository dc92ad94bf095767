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

# The job API a worker may call (SECURITY DEFINER functions of migrations 0012 and 0015): the
# role model grants exactly these to the worker role. The operator functions of 0015 (cancel_job,
# retry_job, ...) are the application role's, like every other function.
JOB_API_FUNCTIONS = (
    "enqueue_job",
    "claim_job",
    "complete_job",
    "complete_jobs",
    "fail_job",
    "heartbeat_job",
    "reap_expired_jobs",
    "register_worker",
    "worker_heartbeat",
    "worker_health",
)
