"""`xferity-schema jobs`: every subcommand against a real database, in each output format."""

from __future__ import annotations

import json
import time
from typing import Any

import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.cli import run_cli
from xferity_schema.jobs.health import NAPTIME_ADVISED_MAX_SECONDS


def sql(dsn: str, query: str, params: Any = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


JOBS_HAVE_DEAD_ROWS = (
    "SELECT n_dead_tup >= 1 FROM pg_stat_user_tables WHERE relid = 'xferity.jobs'::regclass"
)
JOBS_WERE_VACUUMED = (
    "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relid = 'xferity.jobs'::regclass"
)


def wait_for_statistics(dsn: str, query: str) -> None:
    """Before PostgreSQL 15 the statistics collector reports a transaction's row counts and a
    vacuum up to a moment after they happen: wait (up to 30 s) until `query` returns true."""
    deadline = time.monotonic() + 30
    while not sql(dsn, query)[0][0] and time.monotonic() < deadline:
        time.sleep(0.1)


def enqueue(dsn: str, queue: str = "default", kind: str = "send", **extra: Any) -> int:
    rows = sql(
        dsn,
        "SELECT xferity.enqueue_job(%s, '{}', %s, max_attempts => %s)",
        (kind, queue, extra.get("max_attempts", 3)),
    )
    return int(rows[0][0])


def fail_for_good(dsn: str, job_id: int, message: str = "partner refused") -> None:
    queue = sql(dsn, "SELECT queue FROM xferity.jobs WHERE id = %s", (job_id,))[0][0]
    claimed = sql(dsn, "SELECT id FROM xferity.claim_job('w', ARRAY[%s], 1)", (queue,))
    assert claimed == [(job_id,)]
    sql(dsn, "SELECT xferity.fail_job(%s, 'w', %s, TRUE)", (job_id, message))


@pytest.fixture
def busy(migrated_db: str) -> dict[str, Any]:
    """Queue `outbound` with waiting, running and failed jobs; `scans` with one waiting."""
    waiting = [enqueue(migrated_db, "outbound") for _ in range(3)]
    failed = [enqueue(migrated_db, "outbound", max_attempts=1) for _ in range(2)]
    for job_id in failed:
        sql(migrated_db, "UPDATE xferity.jobs SET priority = 9 WHERE id = %s", (job_id,))
        fail_for_good(migrated_db, job_id)
    running = enqueue(migrated_db, "outbound")
    sql(migrated_db, "UPDATE xferity.jobs SET priority = 9 WHERE id = %s", (running,))
    sql(migrated_db, "SELECT xferity.claim_job('w', ARRAY['outbound'], 1)")
    scan = enqueue(migrated_db, "scans", kind="scan")
    return {
        "dsn": migrated_db,
        "waiting": waiting,
        "failed": failed,
        "running": running,
        "scan": scan,
    }


def test_stats_table_and_json(busy: dict[str, Any]) -> None:
    table = run_cli("jobs", "stats", "--dsn", busy["dsn"])
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["queue", "available", "due", "running"]
    outbound = next(line.split() for line in lines if line.startswith("outbound"))
    assert outbound[1:4] == ["3", "3", "1"]
    assert "workers: 0 live, 0 stalled" in table.stdout
    as_json = run_cli("jobs", "stats", "--dsn", busy["dsn"], "--json")
    data = json.loads(as_json.stdout)
    queues = {q["queue"]: q for q in data["queues"]}
    assert queues["outbound"]["failed_last_hour"] == 2
    assert queues["scans"]["available"] == 1


def test_stats_prometheus_parses_with_the_reference_parser(busy: dict[str, Any]) -> None:
    sql(busy["dsn"], "SELECT xferity.enqueue_job('k', '{}', %s)", ('we"ird\\queue\nname',))
    result = run_cli("jobs", "stats", "--dsn", busy["dsn"], "--format", "prometheus")
    assert result.exit_code == 0, result.stderr
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    families = list(text_string_to_metric_families(result.stdout))
    for family in families:
        assert family.type == "gauge"
        assert family.name.startswith("xferity_")
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    assert samples[("xferity_queue_jobs", (("queue", "outbound"), ("state", "available")))] == 3
    assert samples[("xferity_queue_jobs", (("queue", "outbound"), ("state", "running")))] == 1
    assert samples[("xferity_queue_failed_jobs_last_hour", (("queue", "outbound"),))] == 2
    assert samples[("xferity_queue_due_jobs", (("queue", 'we"ird\\queue\nname'),))] == 1
    assert samples[("xferity_workers_live", ())] == 0
    assert samples[("xferity_jobs_dead_row_versions", ())] >= 0
    naptime = sql(busy["dsn"], "SELECT current_setting('autovacuum_naptime')::interval")[0][0]
    assert samples[("xferity_autovacuum_naptime_seconds", ())] == naptime.total_seconds()


def test_stats_report_the_jobs_tables_vacuum_health_and_advise_on_a_slow_autovacuum(
    busy: dict[str, Any],
) -> None:
    naptime = sql(busy["dsn"], "SELECT current_setting('autovacuum_naptime')::interval")[0][0]
    seconds = naptime.total_seconds()
    wait_for_statistics(busy["dsn"], JOBS_HAVE_DEAD_ROWS)
    data = json.loads(run_cli("jobs", "stats", "--dsn", busy["dsn"], "--json").stdout)
    table = data["table"]
    assert table["autovacuum"] is True
    assert table["autovacuum_naptime_seconds"] == seconds
    # The fixture's claims and failures updated rows: their old versions are dead.
    assert table["dead_row_versions"] >= 1
    naptime_advice = [a for a in table["advice"] if a.startswith("autovacuum_naptime is")]
    # The test servers keep the default, 60s.
    assert bool(naptime_advice) == (seconds > NAPTIME_ADVISED_MAX_SECONDS)
    text = run_cli("jobs", "stats", "--dsn", busy["dsn"]).stdout
    assert "dead row versions" in text and f"autovacuum_naptime {seconds:g}s" in text
    assert (f"advice: autovacuum_naptime is {seconds:g}s" in text) == (
        seconds > NAPTIME_ADVISED_MAX_SECONDS
    )

    sql(busy["dsn"], "VACUUM xferity.jobs")
    wait_for_statistics(busy["dsn"], JOBS_WERE_VACUUMED)
    sql(busy["dsn"], "ALTER TABLE xferity.jobs SET (autovacuum_enabled = off)")
    off = json.loads(run_cli("jobs", "stats", "--dsn", busy["dsn"], "--json").stdout)["table"]
    assert off["autovacuum"] is False
    assert off["seconds_since_vacuum"] is not None and off["seconds_since_vacuum"] >= 0
    assert [a for a in off["advice"] if a.startswith("autovacuum is off for xferity.jobs")]
    text = run_cli("jobs", "stats", "--dsn", busy["dsn"]).stdout
    assert "autovacuum off" in text and "advice: autovacuum is off" in text


def test_list_failed_jobs_with_their_last_error(busy: dict[str, Any]) -> None:
    result = run_cli("jobs", "list", "--dsn", busy["dsn"], "--state", "failed")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("partner refused") == 2
    as_json = json.loads(
        run_cli("jobs", "list", "--dsn", busy["dsn"], "--queue", "scans", "--json").stdout
    )
    assert [job["id"] for job in as_json] == [busy["scan"]]
    assert run_cli("jobs", "list", "--dsn", busy["dsn"], "--kind", "nope").stdout.strip() == (
        "no jobs match"
    )


def test_show_a_job_with_its_error_history(busy: dict[str, Any]) -> None:
    job_id = busy["failed"][0]
    result = run_cli("jobs", "show", str(job_id), "--dsn", busy["dsn"])
    assert result.exit_code == 0, result.stderr
    assert "errors: 1" in result.stdout and "permanent" in result.stdout
    data = json.loads(run_cli("jobs", "show", str(job_id), "--dsn", busy["dsn"], "--json").stdout)
    assert data["job"]["state"] == "failed"
    assert [e["message"] for e in data["errors"]] == ["partner refused"]
    missing = run_cli("jobs", "show", "999999", "--dsn", busy["dsn"])
    assert missing.exit_code == 1 and missing.stderr.strip() == "error: no job with id 999999"


def test_retry_by_filter_needs_yes_and_shows_the_count(busy: dict[str, Any]) -> None:
    dry = run_cli("jobs", "retry", "--failed", "--queue", "outbound", "--dsn", busy["dsn"])
    assert dry.exit_code == 2
    assert dry.stderr.strip() == "error: would retry 2 job(s); nothing changed: add --yes to do it"
    assert sql(busy["dsn"], "SELECT count(*) FROM xferity.jobs WHERE state = 'failed'") == [(2,)]
    done = run_cli(
        "jobs", "retry", "--failed", "--queue", "outbound", "--yes", "--dsn", busy["dsn"]
    )
    assert done.exit_code == 0 and done.stdout.strip() == "retried 2 job(s)"
    assert sql(busy["dsn"], "SELECT count(*) FROM xferity.jobs WHERE state = 'failed'") == [(0,)]


def test_retry_by_id_reports_what_it_left_alone(busy: dict[str, Any]) -> None:
    result = run_cli(
        "jobs", "retry", str(busy["failed"][0]), str(busy["waiting"][0]), "--dsn", busy["dsn"]
    )
    assert result.exit_code == 1
    assert f"job {busy['waiting'][0]}: left alone (available)" in result.stderr
    assert "retried 1 of 2 job(s)" in result.stdout
    usage = run_cli("jobs", "retry", "--dsn", busy["dsn"])
    assert usage.exit_code == 2 and usage.stderr.startswith("error: give job ids")


def test_cancel_needs_yes(busy: dict[str, Any]) -> None:
    job_ids = [str(busy["running"]), str(busy["waiting"][0])]
    dry = run_cli("jobs", "cancel", *job_ids, "--dsn", busy["dsn"])
    assert dry.exit_code == 2 and "would cancel 2 job(s)" in dry.stderr
    done = run_cli(
        "jobs",
        "cancel",
        *job_ids,
        "--reason",
        "partner offboarded",
        "--yes",
        "--json",
        "--dsn",
        busy["dsn"],
    )
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["cancelled"] == 2
    errors = sql(
        busy["dsn"], "SELECT DISTINCT last_error FROM xferity.jobs WHERE state = 'cancelled'"
    )
    assert errors == [("cancelled: partner offboarded",)]


def test_reschedule(busy: dict[str, Any]) -> None:
    job_id = busy["scan"]
    result = run_cli(
        "jobs", "reschedule", str(job_id), "--in", "3600", "--priority", "5", "--dsn", busy["dsn"]
    )
    assert result.exit_code == 0 and result.stdout.strip() == f"rescheduled job {job_id}"
    row = sql(
        busy["dsn"],
        "SELECT run_at > now() + interval '59 minutes', priority FROM xferity.jobs WHERE id = %s",
        (job_id,),
    )
    assert row == [(True, 5)]
    refused = run_cli("jobs", "reschedule", str(busy["running"]), "--in", "1", "--dsn", busy["dsn"])
    assert refused.exit_code == 1 and "is not available" in refused.stderr
    both = run_cli(
        "jobs",
        "reschedule",
        str(job_id),
        "--in",
        "1",
        "--run-at",
        "2030-01-01",
        "--dsn",
        busy["dsn"],
    )
    assert both.exit_code == 2


def test_prune_needs_yes_and_keeps_unfinished_jobs(busy: dict[str, Any]) -> None:
    dry = run_cli("jobs", "prune", "--older-than", "0", "--dsn", busy["dsn"])
    assert dry.exit_code == 2 and "would delete 2 job(s)" in dry.stderr
    done = run_cli(
        "jobs", "prune", "--older-than", "0", "--yes", "--batch", "1", "--dsn", busy["dsn"]
    )
    assert done.exit_code == 0 and done.stdout.strip() == "deleted 2 job(s)"
    left = sql(busy["dsn"], "SELECT state, count(*) FROM xferity.jobs GROUP BY 1 ORDER BY 1")
    assert left == [("available", 4), ("running", 1)]
