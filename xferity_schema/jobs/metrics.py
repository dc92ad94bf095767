"""Queue stats in Prometheus' text exposition format (for node_exporter's textfile collector)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from xferity_schema.jobs.health import TableHealth

# (metric, help, the stats column it reads, extra labels)
_QUEUE_GAUGES: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    (
        "xferity_queue_jobs",
        "Jobs waiting or running, by queue and state.",
        "available",
        {"state": "available"},
    ),
    ("xferity_queue_jobs", "", "running", {"state": "running"}),
    (
        "xferity_queue_due_jobs",
        "Available jobs whose run_at has passed (claimable now).",
        "due",
        {},
    ),
    (
        "xferity_queue_oldest_due_age_seconds",
        "How long the oldest due job has waited; 0 when nothing is due.",
        "oldest_due_age_seconds",
        {},
    ),
    (
        "xferity_queue_throughput_jobs_per_second",
        "Jobs completed per second over the stats window.",
        "throughput_per_second",
        {},
    ),
    (
        "xferity_queue_failed_jobs_last_hour",
        "Jobs that failed for good in the last hour.",
        "failed_last_hour",
        {},
    ),
    (
        "xferity_queue_cancelled_jobs_last_hour",
        "Jobs cancelled in the last hour.",
        "cancelled_last_hour",
        {},
    ),
)


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Mapping[str, str]) -> str:
    return ",".join(f'{key}="{escape_label(value)}"' for key, value in labels.items())


def _number(value: Any) -> str:
    return repr(float(value or 0))


def render_prometheus(
    stats: Iterable[Mapping[str, Any]], workers: Mapping[str, Any], health: TableHealth
) -> str:
    rows = list(stats)
    lines: list[str] = []
    described: set[str] = set()
    for metric, help_text, column, extra in _QUEUE_GAUGES:
        if metric not in described:
            described.add(metric)
            lines.append(f"# HELP {metric} {help_text}")
            lines.append(f"# TYPE {metric} gauge")
        for row in rows:
            labels = _labels({"queue": str(row["queue"]), **extra})
            lines.append(f"{metric}{{{labels}}} {_number(row[column])}")
    lines += [
        "# HELP xferity_workers_live Workers seen in the last 30 seconds.",
        "# TYPE xferity_workers_live gauge",
        f"xferity_workers_live {_number(workers['live_workers'])}",
        "# HELP xferity_workers_stalled Workers holding jobs that stopped heartbeating.",
        "# TYPE xferity_workers_stalled gauge",
        f"xferity_workers_stalled {_number(workers['stalled_workers'])}",
        "# HELP xferity_jobs_dead_row_versions Dead row versions in xferity.jobs (claims walk "
        "their index entries until a vacuum).",
        "# TYPE xferity_jobs_dead_row_versions gauge",
        f"xferity_jobs_dead_row_versions {_number(health.dead_row_versions)}",
        "# HELP xferity_autovacuum_naptime_seconds The server's autovacuum_naptime.",
        "# TYPE xferity_autovacuum_naptime_seconds gauge",
        f"xferity_autovacuum_naptime_seconds {_number(health.autovacuum_naptime_seconds)}",
    ]
    if health.seconds_since_vacuum is not None:  # no sample rather than a made-up one
        lines += [
            "# HELP xferity_jobs_seconds_since_vacuum Seconds since xferity.jobs was last "
            "vacuumed.",
            "# TYPE xferity_jobs_seconds_since_vacuum gauge",
            f"xferity_jobs_seconds_since_vacuum {_number(health.seconds_since_vacuum)}",
        ]
    return "\n".join(lines) + "\n"
