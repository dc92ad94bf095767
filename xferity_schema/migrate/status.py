"""Render a MigrationState as a table or as JSON, and map it to an exit code."""

from __future__ import annotations

import json
from typing import Any

from xferity_schema.core.errors import ExitCode
from xferity_schema.migrate.runner import MigrationState


def status_exit_code(state: MigrationState) -> ExitCode:
    if state.drifted or state.unknown:
        return ExitCode.DRIFT_OR_AHEAD
    if state.pending:
        return ExitCode.PENDING
    return ExitCode.OK


def status_rows(state: MigrationState) -> list[dict[str, Any]]:
    """One row per migration; `out_of_order` is true for one applied with --allow-out-of-order,
    and for a pending one numbered below the latest applied (apply refuses it by default)."""
    pending_out_of_order = {m.id for m in state.out_of_order}
    drifted = {m.id: m for m, _ in state.drifted}
    unknown = {a.migration_id for a in state.unknown}
    rows: list[dict[str, Any]] = []
    for applied in state.applied:
        if applied.migration_id in unknown:
            condition = "unknown"
        elif applied.migration_id in drifted:
            condition = "drifted"
        else:
            condition = "applied"
        rows.append(
            {
                "id": applied.migration_id,
                "state": condition,
                "sha256": applied.content_sha256,
                "file_sha256": (
                    drifted[applied.migration_id].content_sha256
                    if applied.migration_id in drifted
                    else applied.content_sha256
                    if condition == "applied"
                    else None
                ),
                "applied_at": applied.applied_at.isoformat(),
                "applied_by": applied.applied_by,
                "execution_ms": applied.execution_ms,
                "out_of_order": applied.out_of_order,
            }
        )
    for migration in state.pending:
        rows.append(
            {
                "id": migration.id,
                "state": "pending",
                "sha256": None,
                "file_sha256": migration.content_sha256,
                "applied_at": None,
                "applied_by": None,
                "execution_ms": None,
                "out_of_order": migration.id in pending_out_of_order,
            }
        )
    return sorted(rows, key=lambda row: str(row["id"]))


def status_json(state: MigrationState, gaps: list[tuple[int, int]] | None = None) -> str:
    return json.dumps(
        {
            "up_to_date": state.up_to_date,
            "exit_code": int(status_exit_code(state)),
            "counts": {
                "applied": len(state.applied) - len(state.unknown),
                "pending": len(state.pending),
                "drifted": len(state.drifted),
                "unknown": len(state.unknown),
                "out_of_order": sum(1 for a in state.applied if a.out_of_order),
                "pending_out_of_order": len(state.out_of_order),
            },
            "gaps": [{"after": f"{a:04d}", "before": f"{b:04d}"} for a, b in gaps or []],
            "migrations": status_rows(state),
        },
        indent=2,
    )


def render_status(state: MigrationState) -> str:
    lines = [f"{'migration':<32} {'state':<8} {'sha256':<14} applied at"]
    for row in status_rows(state):
        digest = (row["sha256"] or row["file_sha256"] or "")[:12]
        note = "  (out of order)" if row["out_of_order"] else ""
        lines.append(
            f"{row['id']:<32} {row['state']:<8} {digest:<14} {row['applied_at'] or '-'}{note}"
        )
    applied_late = [a.migration_id for a in state.applied if a.out_of_order]
    if applied_late:
        lines.append(f"applied out of order (--allow-out-of-order): {', '.join(applied_late)}")
    pending_late = [m.id for m in state.out_of_order]
    if pending_late:
        latest = state.latest_applied
        lines.append(
            f"pending below the latest applied {latest.migration_id if latest else '-'}: "
            f"{', '.join(pending_late)} (apply refuses them without --allow-out-of-order)"
        )
    summary = {
        ExitCode.OK: "up to date",
        ExitCode.PENDING: f"{len(state.pending)} pending migration(s): run xferity-schema apply",
        ExitCode.DRIFT_OR_AHEAD: "DRIFT or UNKNOWN migrations: the database and the files disagree",
    }[status_exit_code(state)]
    lines.append(summary)
    return "\n".join(lines)
