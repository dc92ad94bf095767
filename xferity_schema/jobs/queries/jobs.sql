-- `xferity-schema jobs`: every query calls the job API or reads through its indexes.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: stats
SELECT
    s.queue,
    s.available,
    s.due,
    s.running,
    extract(EPOCH FROM s.oldest_due_age)::float8 AS oldest_due_age_seconds,
    s.completed_recent,
    s.failed_last_hour,
    s.cancelled_last_hour,
    s.throughput_per_second
FROM xferity.queue_stats(make_interval(secs => %(recent_seconds)s)) AS s;

-- name: workers
SELECT
    h.live_workers,
    (SELECT count(*) FROM xferity.stalled_workers) AS stalled_workers
FROM xferity.worker_health() AS h;

-- name: list_by_id
-- Newest first; the filters are optional (NULL: any).
SELECT
    j.id, j.queue, j.kind, j.state, j.priority, j.attempt, j.max_attempts, j.run_at,
    j.finished_at, j.last_error
FROM xferity.jobs AS j
WHERE
    (%(state)s::text IS NULL OR j.state = %(state)s::text)
    AND (%(queue)s::text IS NULL OR j.queue = %(queue)s::text)
    AND (%(kind)s::text IS NULL OR j.kind = %(kind)s::text)
ORDER BY j.id DESC
LIMIT %(limit)s;

-- name: list_finished
-- Finished jobs of one state, most recently finished first: walks the finished-job indexes.
SELECT
    j.id, j.queue, j.kind, j.state, j.priority, j.attempt, j.max_attempts, j.run_at,
    j.finished_at, j.last_error
FROM xferity.jobs AS j
WHERE
    j.state = %(state)s::text
    AND j.finished_at IS NOT NULL
    AND (%(queue)s::text IS NULL OR j.queue = %(queue)s::text)
    AND (%(kind)s::text IS NULL OR j.kind = %(kind)s::text)
ORDER BY j.finished_at DESC
LIMIT %(limit)s;

-- name: show
SELECT
    j.id, j.queue, j.kind, j.state, j.priority, j.attempt, j.max_attempts, j.run_at,
    j.created_at, j.locked_by, j.locked_at, j.lease_expires_at, j.finished_at,
    j.dedupe_key, j.payload, j.result, j.last_error
FROM xferity.jobs AS j
WHERE j.id = %(job_id)s;

-- name: show_errors
SELECT e.attempt, e.worker_id, e.reason, e.message, e.failed_at, e.retry_at
FROM xferity.job_errors AS e
WHERE e.job_id = %(job_id)s
ORDER BY e.attempt;

-- name: count_retryable
SELECT count(*)
FROM xferity.jobs AS j
WHERE
    j.state = 'failed'
    AND j.finished_at > coalesce(%(after)s::timestamptz, '-infinity')
    AND j.finished_at < coalesce(%(before)s::timestamptz, 'infinity')
    AND (%(queue)s::text IS NULL OR j.queue = %(queue)s::text)
    AND (%(kind)s::text IS NULL OR j.kind = %(kind)s::text);

-- name: retry_job
SELECT xferity.retry_job(%(job_id)s, %(attempts)s);

-- name: retry_failed_jobs
SELECT xferity.retry_failed_jobs(
    %(queue)s::text, %(kind)s::text, %(after)s::timestamptz, %(before)s::timestamptz,
    %(attempts)s, %(max_rows)s
);

-- name: cancel_job
SELECT xferity.cancel_job(%(job_id)s, %(reason)s::text);

-- name: reschedule_job
SELECT xferity.reschedule_job(%(job_id)s, %(run_at)s::timestamptz, %(priority)s::integer);

-- name: count_discardable
SELECT count(*)
FROM xferity.jobs AS j
WHERE
    j.state = any(%(states)s::text[])
    AND j.finished_at < %(before)s::timestamptz
    AND (%(queue)s::text IS NULL OR j.queue = %(queue)s::text)
    AND (%(kind)s::text IS NULL OR j.kind = %(kind)s::text);

-- name: discard_jobs
SELECT xferity.discard_jobs(
    %(states)s::text[], %(queue)s::text, %(kind)s::text, %(before)s::timestamptz, %(max_rows)s
);

-- name: table_health
-- xferity.jobs' dead row versions and vacuum recency, and the server's autovacuum cadence:
-- claims walk the dead index entries of jobs already claimed until a vacuum removes them.
SELECT
    s.n_live_tup AS live_rows,
    s.n_dead_tup AS dead_row_versions,
    extract(EPOCH FROM now() - greatest(s.last_vacuum, s.last_autovacuum))::float8
        AS seconds_since_vacuum,
    current_setting('autovacuum')::boolean
    AND coalesce((
        SELECT o.option_value::boolean
        FROM pg_catalog.pg_options_to_table(c.reloptions) AS o
        WHERE o.option_name = 'autovacuum_enabled'
    ), TRUE) AS autovacuum,
    extract(EPOCH FROM current_setting('autovacuum_naptime')::interval)::float8
        AS autovacuum_naptime_seconds
FROM pg_catalog.pg_stat_user_tables AS s
INNER JOIN pg_catalog.pg_class AS c ON s.relid = c.oid
WHERE s.relid = 'xferity.jobs'::regclass;
