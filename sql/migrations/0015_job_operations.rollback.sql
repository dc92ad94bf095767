-- Rollback of 0015 job operations: drops the operator functions and the
-- views, restores 0012's register_worker and reap_expired_jobs, and the
-- state checks without cancelled. Refused by the database while any job is
-- cancelled: discard or retry those jobs first.

DROP VIEW xferity.stalled_workers;

DROP FUNCTION xferity.worker_health(interval);

DROP FUNCTION xferity.queue_stats(interval);

DROP FUNCTION xferity.discard_jobs(text[], text, text, timestamptz, integer);

DROP FUNCTION xferity.reschedule_job(bigint, timestamptz, integer);

DROP FUNCTION xferity.retry_failed_jobs(text, text, timestamptz, timestamptz, integer, integer);

DROP FUNCTION xferity.retry_job(bigint, integer);

DROP FUNCTION xferity.cancel_job(bigint, text);

ALTER TABLE xferity.jobs DROP CONSTRAINT jobs_finished_check;

ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_finished_check CHECK (
    (state IN ('completed', 'failed')) = (finished_at IS NOT NULL)
);

ALTER TABLE xferity.jobs DROP CONSTRAINT jobs_state_check;

ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_state_check CHECK (
    state IN ('available', 'running', 'completed', 'failed')
);

COMMENT ON COLUMN xferity.jobs.state IS
'available (waiting for run_at or a worker), running (leased to locked_by), completed, or failed (final).';

COMMENT ON COLUMN xferity.jobs.finished_at IS
'When the job reached completed or failed; NULL while unfinished.';

CREATE OR REPLACE FUNCTION xferity.register_worker(
    worker_id text,
    hostname text,
    info jsonb DEFAULT '{}'
)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    INSERT INTO xferity.workers (worker_id, hostname, info)
    VALUES (
        register_worker.worker_id,
        register_worker.hostname,
        coalesce(register_worker.info, '{}')
    )
    ON CONFLICT (worker_id) DO UPDATE
    SET hostname = excluded.hostname,
        info = excluded.info,
        registered_at = now(),
        last_seen_at = now();
END;
$$;

COMMENT ON FUNCTION xferity.register_worker(text, text, jsonb) IS
'Registers (or re-registers) a worker process at start-up: its worker_id, host and free-form info. Marks it seen now.';

CREATE OR REPLACE FUNCTION xferity.reap_expired_jobs()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
DECLARE
    reaped_count integer;
    ready_queues text[];
    ready_queue text;
BEGIN
    -- SKIP LOCKED: a job whose holder is completing it right now is left
    -- alone (the next sweep sees its outcome), and concurrent sweeps by
    -- several workers never wait on each other.
    WITH expired AS MATERIALIZED (
        SELECT j.id, j.locked_by, j.lease_expires_at
        FROM xferity.jobs AS j
        WHERE j.state = 'running' AND j.lease_expires_at <= now()
        ORDER BY j.id
        FOR UPDATE SKIP LOCKED
    ),

    reaped AS (
        UPDATE xferity.jobs AS j
        SET state = CASE WHEN j.attempt >= j.max_attempts THEN 'failed' ELSE 'available' END,
            finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() END,
            lease_expires_at = NULL,
            last_error = format(
                'lease expired: worker %s did not finish attempt %s by %s',
                e.locked_by, j.attempt, e.lease_expires_at
            )
        FROM expired AS e
        WHERE j.id = e.id
        RETURNING j.id, j.attempt, j.state, j.queue, j.locked_by, j.last_error
    ),

    logged AS (
        INSERT INTO xferity.job_errors (
            job_id, attempt, worker_id, reason, message, failed_at, retry_at
        )
        SELECT
            r.id,
            r.attempt,
            r.locked_by,
            'lease_expired',
            r.last_error,
            now(),
            CASE WHEN r.state = 'available' THEN now() END
        FROM reaped AS r
        RETURNING job_id
    )

    SELECT
        count(*),
        array_agg(DISTINCT r.queue) FILTER (WHERE r.state = 'available')
    INTO reaped_count, ready_queues
    FROM reaped AS r;

    FOREACH ready_queue IN ARRAY coalesce(ready_queues, '{}') LOOP
        PERFORM pg_notify('xferity_jobs', ready_queue);
    END LOOP;
    RETURN reaped_count;
END;
$$;
