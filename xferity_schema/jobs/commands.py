"""`xferity-schema jobs`: queue stats and metrics, and the operator's retry, cancel, reschedule
and prune. Destructive actions print what they would change and need --yes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from xferity_schema.core.edge import one_line_errors
from xferity_schema.core.errors import ExitCode, UsageError, XferitySchemaError
from xferity_schema.core.options import connection_options, json_option, progress_printer
from xferity_schema.jobs import operations as ops
from xferity_schema.jobs.metrics import render_prometheus
from xferity_schema.migrate.session import CommandSession, open_session

F = TypeVar("F", bound=Callable[..., Any])

yes_option = click.option("--yes", is_flag=True, help="Do it (without: show the count only).")


def filter_options(func: F) -> F:
    for option in (
        click.option("--queue", default=None, help="Only this queue."),
        click.option("--kind", default=None, help="Only this kind."),
    ):
        func = option(func)
    return func


def _session(
    dsn: str | None, config_path: Path | None, migrations_dir: Path | None, as_json: bool
) -> AbstractContextManager[CommandSession]:
    return open_session(dsn, config_path, migrations_dir, progress_printer(as_json))


def _json(value: Any) -> str:
    return json.dumps(value, default=_json_default, indent=2)


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A plain aligned table; long cells (errors) are cut to keep a line readable."""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return f"{value:.1f}"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _require_yes(yes: bool, count: int, what: str) -> None:
    if not yes:
        raise UsageError(f"would {what} {count} job(s); nothing changed: add --yes to do it")


@click.group("jobs")
def jobs_group() -> None:
    """Operate the job queue: stats, list, show, retry, cancel, reschedule, prune."""


@jobs_group.command("stats")
@connection_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "prometheus"]),
    default="table",
    show_default=True,
    help="prometheus: the text exposition format (node_exporter textfile collector).",
)
@json_option
@click.option(
    "--window",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds of completions the throughput is measured over.",
)
@one_line_errors
def stats_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    fmt: str,
    as_json: bool,
    window: float,
) -> None:
    """Per queue: waiting, due, running, oldest due age, throughput, recent failures; and
    xferity.jobs' dead row versions and autovacuum cadence, with advice when it is too slow."""
    fmt = "json" if as_json else fmt
    with _session(dsn, config_path, migrations_dir, fmt != "table") as session:
        stats = ops.queue_stats(session.conn, window)
        workers = ops.worker_counts(session.conn)
        health = ops.table_health(session.conn)
    if fmt == "prometheus":
        click.echo(render_prometheus(stats, workers, health), nl=False)
    elif fmt == "json":
        click.echo(
            _json(
                {
                    "queues": stats,
                    "workers": workers,
                    "table": health.as_dict(),
                    "window_seconds": window,
                }
            )
        )
    else:
        columns = [
            "queue",
            "available",
            "due",
            "running",
            "oldest_due_age_seconds",
            "throughput_per_second",
            "failed_last_hour",
            "cancelled_last_hour",
        ]
        click.echo(_table(stats, columns) if stats else "no jobs waiting, running or recent")
        click.echo(f"workers: {workers['live_workers']} live, {workers['stalled_workers']} stalled")
        click.echo(health.summary())
        for advice in health.advice():
            click.echo(f"advice: {advice}")


@jobs_group.command("list")
@connection_options
@click.option("--state", type=click.Choice(ops.STATES), default=None, help="Only this state.")
@filter_options
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@json_option
@one_line_errors
def list_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    state: str | None,
    queue: str | None,
    kind: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List jobs, newest first (finished states: most recently finished first)."""
    with _session(dsn, config_path, migrations_dir, as_json) as session:
        rows = ops.list_jobs(session.conn, state, ops.JobFilter(queue, kind), limit)
    if as_json:
        click.echo(_json(rows))
        return
    columns = ["id", "queue", "kind", "state", "attempt", "run_at", "finished_at", "last_error"]
    click.echo(_table(rows, columns) if rows else "no jobs match")


@jobs_group.command("show")
@connection_options
@click.argument("job_id", type=int)
@json_option
@one_line_errors
def show_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    job_id: int,
    as_json: bool,
) -> None:
    """Show one job with its error history."""
    with _session(dsn, config_path, migrations_dir, as_json) as session:
        job, errors = ops.show_job(session.conn, job_id)
    if as_json:
        click.echo(_json({"job": job, "errors": errors}))
        return
    width = max(len(key) for key in job)
    for key, value in job.items():
        shown = json.dumps(value) if isinstance(value, dict | list) else _cell(value)
        click.echo(f"{key.ljust(width)}  {shown}")
    click.echo(f"errors: {len(errors)}")
    if errors:
        click.echo(_table(errors, ["attempt", "reason", "failed_at", "retry_at", "message"]))


@jobs_group.command("retry")
@connection_options
@click.argument("job_ids", type=int, nargs=-1)
@click.option("--failed", "by_filter", is_flag=True, help="Retry failed jobs chosen by filter.")
@filter_options
@click.option("--after", type=click.DateTime(), default=None, help="Failed after this time.")
@click.option("--before", type=click.DateTime(), default=None, help="Failed before this time.")
@click.option(
    "--attempts",
    type=click.IntRange(1, 100),
    default=3,
    show_default=True,
    help="Claims each retried job gets.",
)
@click.option("--max-rows", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@yes_option
@json_option
@one_line_errors
def retry_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    job_ids: tuple[int, ...],
    by_filter: bool,
    queue: str | None,
    kind: str | None,
    after: datetime | None,
    before: datetime | None,
    attempts: int,
    max_rows: int,
    yes: bool,
    as_json: bool,
) -> None:
    """Make failed or cancelled jobs available again (JOB_IDS, or --failed with filters)."""
    if bool(job_ids) == by_filter:
        raise UsageError("give job ids, or --failed with --queue/--kind/--after/--before")
    with _session(dsn, config_path, migrations_dir, as_json) as session:
        if job_ids:
            outcomes = {job: ops.retry_job(session.conn, job, attempts) for job in job_ids}
            _report(outcomes, "retried", "retried", as_json)
            return
        where = ops.JobFilter(queue, kind, _utc(after), _utc(before))
        count = min(ops.count_retryable(session.conn, where), max_rows)
        _require_yes(yes, count, "retry")
        retried = ops.retry_failed_jobs(session.conn, where, attempts, max_rows)
    click.echo(_json({"retried": retried}) if as_json else f"retried {retried} job(s)")


@jobs_group.command("cancel")
@connection_options
@click.argument("job_ids", type=int, nargs=-1, required=True)
@click.option("--reason", default=None, help="Recorded in the job's last_error.")
@yes_option
@json_option
@one_line_errors
def cancel_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    job_ids: tuple[int, ...],
    reason: str | None,
    yes: bool,
    as_json: bool,
) -> None:
    """Cancel available or running jobs (final state cancelled)."""
    _require_yes(yes, len(set(job_ids)), "cancel")
    with _session(dsn, config_path, migrations_dir, as_json) as session:
        outcomes = {job: ops.cancel_job(session.conn, job, reason) for job in job_ids}
    _report(outcomes, "cancelled", "cancelled", as_json)


@jobs_group.command("reschedule")
@connection_options
@click.argument("job_id", type=int)
@click.option("--run-at", type=click.DateTime(), default=None, help="New run_at (UTC).")
@click.option(
    "--in",
    "delay",
    type=click.FloatRange(min=0),
    default=None,
    help="New run_at: this many seconds from now.",
)
@click.option("--priority", type=int, default=None, help="New priority.")
@json_option
@one_line_errors
def reschedule_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    job_id: int,
    run_at: datetime | None,
    delay: float | None,
    priority: int | None,
    as_json: bool,
) -> None:
    """Give an available job a new run_at and/or priority."""
    if run_at is not None and delay is not None:
        raise UsageError("give --run-at or --in, not both")
    if run_at is None and delay is None and priority is None:
        raise UsageError("give --run-at, --in or --priority")
    when = _utc(run_at)
    if delay is not None:
        when = datetime.now(UTC) + timedelta(seconds=delay)
    with _session(dsn, config_path, migrations_dir, as_json) as session:
        changed = ops.reschedule_job(session.conn, job_id, when, priority)
    if as_json:
        click.echo(_json({"job_id": job_id, "rescheduled": changed}))
    elif changed:
        click.echo(f"rescheduled job {job_id}")
    if not changed:
        raise XferitySchemaError(f"job {job_id} is not available (only waiting jobs move)")


@jobs_group.command("prune")
@connection_options
@click.option(
    "--state",
    "states",
    type=click.Choice(ops.FINISHED_STATES),
    multiple=True,
    help="Finished state to discard (repeatable; default: all three).",
)
@filter_options
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=7 * 86400.0,
    show_default=True,
    help="Seconds since the job finished.",
)
@click.option("--batch", type=click.IntRange(1, 100_000), default=10_000, show_default=True)
@yes_option
@json_option
@one_line_errors
def prune_command(
    dsn: str | None,
    config_path: Path | None,
    migrations_dir: Path | None,
    states: tuple[str, ...],
    queue: str | None,
    kind: str | None,
    older_than: float,
    batch: int,
    yes: bool,
    as_json: bool,
) -> None:
    """Delete finished jobs (and their errors) older than --older-than."""
    chosen = states or ops.FINISHED_STATES
    before = datetime.now(UTC) - timedelta(seconds=older_than)
    where = ops.JobFilter(queue, kind)
    with _session(dsn, config_path, migrations_dir, as_json) as session:
        count = ops.count_discardable(session.conn, chosen, where, before)
        _require_yes(yes, count, "delete")
        deleted = ops.discard_jobs(session.conn, chosen, where, before, batch)
    click.echo(_json({"deleted": deleted}) if as_json else f"deleted {deleted} job(s)")


def _utc(value: datetime | None) -> datetime | None:
    """click's DateTime is naive: read it as UTC."""
    return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


def _report(outcomes: dict[int, str], wanted: str, verb: str, as_json: bool) -> None:
    """Per job: the new state, or why it was left alone; exit 1 when any was left alone."""
    done = [job for job, state in outcomes.items() if state == wanted]
    if as_json:
        click.echo(_json({"outcomes": {str(k): v for k, v in outcomes.items()}, verb: len(done)}))
    else:
        for job, state in outcomes.items():
            if state != wanted:
                click.echo(f"job {job}: left alone ({state.removeprefix('is_')})", err=True)
        click.echo(f"{verb} {len(done)} of {len(outcomes)} job(s)")
    if len(done) != len(outcomes):
        sys.exit(int(ExitCode.FAILURE))
