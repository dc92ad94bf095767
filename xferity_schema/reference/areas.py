"""The feature areas of the reference docs, and which migration's objects each one holds.

An object belongs to the area of the migration that created it (columns, constraints, indexes,
triggers and policies to their table's). This mapping is the one place that says so: a
migration that creates an object and is not listed here stops `xferity-schema docs` with an
error naming it, so a new table never goes undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass

from xferity_schema.core.errors import XferitySchemaError

# What the migration runner creates before migration 0001: its tracking tables.
RUNNER = "(migration runner)"


@dataclass(frozen=True)
class Area:
    slug: str  # the page: docs/schema/<slug>.md
    title: str
    summary: str
    migrations: tuple[str, ...]  # migration ids (or RUNNER) whose new objects land here

    @property
    def page(self) -> str:
        return f"{self.slug}.md"


AREAS = (
    Area(
        "flow-runs",
        "Flow runs",
        "Durable run history, per-file outcomes and idempotency records.",
        ("0002_flow_runs",),
    ),
    Area("auth", "Auth", "Users and browser sessions of the web UI and API.", ("0003_auth",)),
    Area(
        "crypto-inventory",
        "Crypto inventory",
        "X.509 certificates, OpenPGP keys and which partner uses which of them for what.",
        ("0004_crypto_inventory",),
    ),
    Area(
        "as2", "AS2", "Persisted AS2 messages (inbound and outbound) and their MDNs.", ("0005_as2",)
    ),
    Area(
        "posture",
        "Posture",
        "The hourly record of the security posture report, and its findings.",
        ("0006_posture_snapshots",),
    ),
    Area(
        "alerts",
        "Alerts",
        "A finding that appeared or got more severe between two posture snapshots.",
        ("0007_regression_alerts",),
    ),
    Area(
        "suppressions",
        "Suppressions",
        "Operator-accepted posture findings.",
        ("0008_suppressions",),
    ),
    Area(
        "vault",
        "Vault",
        "The local encrypted vault behind local-vault:NAME references.",
        ("0009_vault_secrets",),
    ),
    Area("workflows", "Workflows", "Durable state of the workflow engine.", ("0010_workflows",)),
    Area(
        "job-queue",
        "Job queue",
        "The shared job queue, its workers and its SQL API.",
        (
            "0012_job_queue",
            "0014_job_queue_at_scale",
            "0015_job_operations",
            "0016_job_operations_validate",
            "0017_jobs_unsuccessful_idx",
            "0018_claim_in_fewer_statements",
            "0019_jobs_hot_path",
            "0020_one_claim_index",
            "0021_drop_all_queue_claim_index",
            "0022_claim_from_each_queue_head",
            "0023_enqueue_jobs_error_position",
            "0024_claim_due_heads",
            "0025_lighter_claim",
            "0026_fused_claims_inline",
        ),
    ),
    Area(
        "housekeeping",
        "Housekeeping",
        "The schema, the migration runner's tracking tables, the reset tool and the role "
        "model (xferity.role_model, xferity.grant_role_model()).",
        (RUNNER, "0001_bootstrap", "0011_reset", "0013_role_model"),
    ),
)


class AreaMissing(XferitySchemaError):
    """An object was created by a migration that no area claims."""


def area_of_migration(areas: tuple[Area, ...] = AREAS) -> dict[str, Area]:
    """migration id -> its area; a migration claimed twice is a bug in AREAS."""
    claimed: dict[str, Area] = {}
    for area in areas:
        for migration_id in area.migrations:
            if migration_id in claimed:
                raise XferitySchemaError(
                    f"migration {migration_id} is claimed by areas {claimed[migration_id].slug} "
                    f"and {area.slug}"
                )
            claimed[migration_id] = area
    return claimed
