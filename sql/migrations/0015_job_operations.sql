-- 0015 job operations: what an operator does with the queue, from psql or any
-- language, through the same state rules as the workers.
--
--   cancel_job          available or running -> cancelled (final); a running
--                       holder's later complete/fail/heartbeat answers as for a
--                       lost lease
--   retry_job           failed or cancelled -> available, with new attempts
--   retry_failed_jobs   the same for failed jobs chosen by queue, kind and time
--   reschedule_job      a new run_at and/or priority for an available job
--   discard_jobs        deletes finished jobs by state, queue, kind and age
--   queue_stats         per queue: backlog, running, oldest due age, recent
--                       failures and throughput, without reading old jobs
--   worker_health       what a worker's /health/worker needs
--   stalled_workers     workers that hold jobs but stopped heartbeating
--
-- Worker identity: reap_expired_jobs no longer writes the previous holder's
-- worker id into jobs.last_error (which the next holder receives from
-- claim_job); job_errors keeps it for operators. register_worker refuses to
-- take over the id of a worker that is live (seen in the last 30 seconds).
--
-- The operator functions are for the application role, not the worker role
-- (`xferity-schema grants`). The new CHECK constraints are added NOT VALID,
-- so this migration takes the table lock only for a moment; 0016 validates
-- them without blocking writes, and 0017 adds the index of failed and
-- cancelled jobs concurrently.

-- lint: allow ban-drop-constraint reason: replaced at once by a wider check, in this transaction
ALTER TABLE xferity.jobs DROP CONSTRAINT jobs_state_check;

ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_state_check CHECK (
    state IN ('available', 'running', 'completed', 'failed', 'cancelled')
) NOT VALID;

-- lint: allow ban-drop-constraint reason: replaced at once by a wider check, in this transaction
ALTER TABLE xferity.jobs DROP CONSTRAINT jobs_finished_check;

ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_finished_check CHECK (
    (state IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL)
) NOT VALID;

COMMENT ON COLUMN xferity.jobs.state IS
'available (waiting for run_at or a worker), running (leased to locked_by), completed, failed (final), or cancelled (final, by an operator: cancel_job).';

COMMENT ON COLUMN xferity.jobs.finished_at IS
'When the job reached completed, failed or cancelled; NULL while unfinished.';

CREATE FUNCTION xferity.cancel_job(job_id bigint, reason text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    old_state text;
BEGIN
    -- The row lock orders us against a worker completing or failing the job:
    -- whichever commits first wins, and the other sees the outcome.
    SELECT j.state INTO old_state
    FROM xferity.jobs AS j
    WHERE j.id = cancel_job.job_id
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF old_state NOT IN ('available', 'running') THEN
        RETURN 'is_' || old_state;
    END IF;
    UPDATE xferity.jobs AS j
    SET state = 'cancelled',
        lease_expires_at = NULL,
        finished_at = now(),
        last_error = 'cancelled' || coalesce(': ' || cancel_job.reason, '')
    WHERE j.id = cancel_job.job_id;
    RETURN 'cancelled';
END;
$$;

COMMENT ON FUNCTION xferity.cancel_job(bigint, text) IS
'Operator: cancels an available or running job (final state cancelled, last_error = cancelled: reason) and returns ''cancelled''. A running holder''s later complete_job, complete_jobs, fail_job and heartbeat_job answer as for a lost lease (false, short count, lease_lost). A job in any other state is left unchanged and ''is_<state>'' is returned (e.g. is_completed); an unknown id returns ''not_found''.';

CREATE FUNCTION xferity.retry_job(job_id bigint, attempts integer DEFAULT 3)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    old_state text;
    job_queue text;
    job_key text;
BEGIN
    IF retry_job.attempts IS NULL OR retry_job.attempts < 1 OR retry_job.attempts > 100 THEN
        RAISE EXCEPTION 'retry_job: attempts must be between 1 and 100, got %', retry_job.attempts
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT j.state, j.queue, j.dedupe_key INTO old_state, job_queue, job_key
    FROM xferity.jobs AS j
    WHERE j.id = retry_job.job_id
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF old_state NOT IN ('failed', 'cancelled') THEN
        RETURN 'is_' || old_state;
    END IF;
    -- Its dedupe key may belong to a newer unfinished job by now.
    IF job_key IS NOT NULL AND EXISTS (
        SELECT FROM xferity.jobs AS o
        WHERE o.dedupe_key = job_key AND o.state IN ('available', 'running')
    ) THEN
        RETURN 'dedupe_conflict';
    END IF;
    -- attempt keeps counting claims (it numbers the error history, which is
    -- kept); the job gets `attempts` more claims from here.
    UPDATE xferity.jobs AS j
    SET state = 'available',
        run_at = now(),
        max_attempts = j.attempt + retry_job.attempts,
        finished_at = NULL,
        result = NULL
    WHERE j.id = retry_job.job_id;
    PERFORM pg_notify('xferity_jobs', job_queue);
    RETURN 'retried';
EXCEPTION
    WHEN unique_violation THEN
        RETURN 'dedupe_conflict';  -- the key was taken between our check and update
END;
$$;

COMMENT ON FUNCTION xferity.retry_job(bigint, integer) IS
'Operator: makes a failed or cancelled job available now and returns ''retried''. attempt keeps its value (the job_errors history is kept and stays numbered by attempt); max_attempts becomes attempt + attempts (default 3 more claims, at most 100). Leaves a job in any other state unchanged and returns ''is_<state>'' (e.g. is_running); ''not_found'' for an unknown id, and ''dedupe_conflict'' when a newer unfinished job holds its dedupe_key. Sends NOTIFY xferity_jobs.';

CREATE FUNCTION xferity.retry_failed_jobs(
    queue text DEFAULT NULL,
    kind text DEFAULT NULL,
    failed_after timestamptz DEFAULT '-infinity',
    failed_before timestamptz DEFAULT 'infinity',
    attempts integer DEFAULT 3,
    max_rows integer DEFAULT 1000
)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    candidate bigint;
    retried integer := 0;
BEGIN
    IF retry_failed_jobs.max_rows IS NULL OR retry_failed_jobs.max_rows < 1 THEN
        RAISE EXCEPTION 'retry_failed_jobs: max_rows must be at least 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR candidate IN
        SELECT j.id
        FROM xferity.jobs AS j
        WHERE j.state = 'failed'
            AND j.finished_at > coalesce(retry_failed_jobs.failed_after, '-infinity')
            AND j.finished_at < coalesce(retry_failed_jobs.failed_before, 'infinity')
            AND (retry_failed_jobs.queue IS NULL OR j.queue = retry_failed_jobs.queue)
            AND (retry_failed_jobs.kind IS NULL OR j.kind = retry_failed_jobs.kind)
        ORDER BY j.finished_at, j.id
        LIMIT retry_failed_jobs.max_rows
    LOOP
        IF xferity.retry_job(candidate, retry_failed_jobs.attempts) = 'retried' THEN
            retried := retried + 1;
        END IF;
    END LOOP;
    RETURN retried;
END;
$$;

COMMENT ON FUNCTION xferity.retry_failed_jobs(text, text, timestamptz, timestamptz, integer, integer) IS
'Operator: retry_job for up to max_rows failed jobs of the given queue and kind (NULL: any) that failed in (failed_after, failed_before), oldest first. Returns how many became available; jobs whose dedupe_key is taken meanwhile are skipped.';

CREATE FUNCTION xferity.reschedule_job(
    job_id bigint,
    run_at timestamptz DEFAULT NULL,
    priority integer DEFAULT NULL
)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    job_queue text;
    new_run_at timestamptz;
BEGIN
    IF reschedule_job.run_at IS NOT NULL AND NOT isfinite(reschedule_job.run_at) THEN
        RAISE EXCEPTION 'reschedule_job: run_at must be a finite time, got %', reschedule_job.run_at
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE xferity.jobs AS j
    SET run_at = coalesce(reschedule_job.run_at, j.run_at),
        priority = coalesce(reschedule_job.priority, j.priority)
    WHERE j.id = reschedule_job.job_id
        AND j.state = 'available'
    RETURNING j.queue, j.run_at INTO job_queue, new_run_at;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF new_run_at <= now() THEN
        PERFORM pg_notify('xferity_jobs', job_queue);
    END IF;
    RETURN true;
END;
$$;

COMMENT ON FUNCTION xferity.reschedule_job(bigint, timestamptz, integer) IS
'Operator: gives an available job a new run_at (finite) and/or priority; NULL keeps the current value. Returns false, changing nothing, when the job is not available (running or finished jobs are not rescheduled). Sends NOTIFY xferity_jobs when the job is due now.';

CREATE FUNCTION xferity.discard_jobs(
    states text[] DEFAULT ARRAY['completed', 'failed', 'cancelled'],
    queue text DEFAULT NULL,
    kind text DEFAULT NULL,
    finished_before timestamptz DEFAULT now(),
    max_rows integer DEFAULT 10000
)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    discarded integer;
BEGIN
    IF discard_jobs.states IS NULL OR cardinality(discard_jobs.states) = 0
        OR NOT discard_jobs.states <@ ARRAY['completed', 'failed', 'cancelled'] THEN
        RAISE EXCEPTION 'discard_jobs: states must be finished states (completed, failed, cancelled), got %',
            discard_jobs.states
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF discard_jobs.max_rows IS NULL OR discard_jobs.max_rows < 1 THEN
        RAISE EXCEPTION 'discard_jobs: max_rows must be at least 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM xferity.jobs AS j
    WHERE j.id IN (
        SELECT f.id
        FROM xferity.jobs AS f
        WHERE f.state = ANY (discard_jobs.states)
            AND f.finished_at < coalesce(discard_jobs.finished_before, now())
            AND (discard_jobs.queue IS NULL OR f.queue = discard_jobs.queue)
            AND (discard_jobs.kind IS NULL OR f.kind = discard_jobs.kind)
        ORDER BY f.finished_at
        LIMIT discard_jobs.max_rows
        FOR UPDATE SKIP LOCKED
    );
    GET DIAGNOSTICS discarded = ROW_COUNT;
    RETURN discarded;
END;
$$;

COMMENT ON FUNCTION xferity.discard_jobs(text[], text, text, timestamptz, integer) IS
'Operator: deletes up to max_rows finished jobs (and their errors) in the given states (default all finished ones) of a queue and kind (NULL: any) that finished before finished_before (default now), oldest first; returns how many. Never touches available or running jobs. prune_finished_jobs is the retention job''s form of it.';

CREATE FUNCTION xferity.queue_stats(recent interval DEFAULT '1 minute')
RETURNS TABLE (
    queue text,
    available bigint,
    due bigint,
    running bigint,
    oldest_due_age interval,
    completed_recent bigint,
    failed_last_hour bigint,
    cancelled_last_hour bigint,
    throughput_per_second double precision
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
    -- Each part reads one partial index's worth of rows: the backlog, the
    -- running set, and the jobs finished within the windows. Old finished jobs
    -- are never read, however many are kept.
    WITH waiting AS (
        SELECT
            j.queue,
            count(*) AS available,
            count(*) FILTER (WHERE j.run_at <= now()) AS due,
            now() - min(j.run_at) FILTER (WHERE j.run_at <= now()) AS oldest_due_age
        FROM xferity.jobs AS j
        WHERE j.state = 'available' AND j.attempt < j.max_attempts
        GROUP BY j.queue
    ),

    working AS (
        SELECT j.queue, count(*) AS running
        FROM xferity.jobs AS j
        WHERE j.state = 'running'
        GROUP BY j.queue
    ),

    completed AS (
        SELECT j.queue, count(*) FILTER (WHERE j.state = 'completed') AS completed_recent
        FROM xferity.jobs AS j
        WHERE j.state IN ('completed', 'failed') AND j.finished_at > now() - queue_stats.recent
        GROUP BY j.queue
    ),

    unsuccessful AS (
        SELECT
            j.queue,
            count(*) FILTER (WHERE j.state = 'failed') AS failed_last_hour,
            count(*) FILTER (WHERE j.state = 'cancelled') AS cancelled_last_hour
        FROM xferity.jobs AS j
        WHERE j.state IN ('failed', 'cancelled') AND j.finished_at > now() - interval '1 hour'
        GROUP BY j.queue
    ),

    queues AS (
        SELECT w.queue FROM waiting AS w
        UNION
        SELECT r.queue FROM working AS r
        UNION
        SELECT c.queue FROM completed AS c
        UNION
        SELECT u.queue FROM unsuccessful AS u
    )

    SELECT
        q.queue,
        coalesce(w.available, 0),
        coalesce(w.due, 0),
        coalesce(r.running, 0),
        w.oldest_due_age,
        coalesce(c.completed_recent, 0),
        coalesce(u.failed_last_hour, 0),
        coalesce(u.cancelled_last_hour, 0),
        coalesce(c.completed_recent, 0) / greatest(extract(epoch FROM queue_stats.recent), 1)
    FROM queues AS q
    LEFT JOIN waiting AS w ON q.queue = w.queue
    LEFT JOIN working AS r ON q.queue = r.queue
    LEFT JOIN completed AS c ON q.queue = c.queue
    LEFT JOIN unsuccessful AS u ON q.queue = u.queue
    ORDER BY q.queue;
$$;

COMMENT ON FUNCTION xferity.queue_stats(interval) IS
'Operator and metrics: one row per queue with work in it or finished recently. available = jobs waiting (due = of those, claimable now), running, oldest_due_age = how long the oldest due job has waited, completed_recent = completed within `recent` (default 1 minute) and throughput_per_second = that divided by the window, failed_last_hour and cancelled_last_hour. Reads only the backlog, the running set and the jobs finished within the windows (partial indexes), never the history kept before that, so it stays cheap however many finished jobs are kept.';

CREATE FUNCTION xferity.worker_health(max_age interval DEFAULT '30 seconds')
RETURNS TABLE (live_workers integer, last_seen_at timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
    SELECT
        (count(*) FILTER (WHERE w.last_seen_at > now() - worker_health.max_age))::integer,
        max(w.last_seen_at)
    FROM xferity.workers AS w;
$$;

COMMENT ON FUNCTION xferity.worker_health(interval) IS
'What Xferity''s /health/worker needs in one call: that the database answers (the call returns a row), how many workers were seen within max_age (default 30 seconds), and when a worker was last seen at all (NULL if none ever registered). Healthy: live_workers > 0.';

CREATE VIEW xferity.stalled_workers AS
SELECT
    w.worker_id,
    w.hostname,
    w.last_seen_at,
    now() - w.last_seen_at AS silent_for,
    count(j.id) AS running_jobs,
    min(j.lease_expires_at) AS first_lease_expiry
FROM xferity.workers AS w
INNER JOIN xferity.jobs AS j ON w.worker_id = j.locked_by AND j.state = 'running'
WHERE w.last_seen_at <= now() - interval '30 seconds'
GROUP BY w.worker_id, w.hostname, w.last_seen_at;

COMMENT ON VIEW xferity.stalled_workers IS
'Operator: workers that hold running jobs but have not called worker_heartbeat for 30 seconds or more. Their jobs return to the queue when their leases expire (first_lease_expiry); cancel_job hands them back at once as cancelled, retry_job then makes them available.';
COMMENT ON COLUMN xferity.stalled_workers.worker_id IS 'The silent worker.';
COMMENT ON COLUMN xferity.stalled_workers.hostname IS 'Host it registered from.';
COMMENT ON COLUMN xferity.stalled_workers.last_seen_at IS 'Its last worker_heartbeat.';
COMMENT ON COLUMN xferity.stalled_workers.silent_for IS 'now() minus last_seen_at.';
COMMENT ON COLUMN xferity.stalled_workers.running_jobs IS 'Jobs it still holds.';
COMMENT ON COLUMN xferity.stalled_workers.first_lease_expiry IS
'When the first of those leases expires and reap_expired_jobs can hand the job back.';

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
DECLARE
    seen_at timestamptz;
    seen_on text;
BEGIN
    IF coalesce(register_worker.worker_id, '') = '' THEN
        RAISE EXCEPTION 'register_worker: worker_id must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT w.last_seen_at, w.hostname INTO seen_at, seen_on
    FROM xferity.workers AS w
    WHERE w.worker_id = register_worker.worker_id
    FOR UPDATE;
    IF FOUND AND seen_at > now() - interval '30 seconds' THEN
        RAISE EXCEPTION 'register_worker: worker id % is live (on %, seen % ago): choose another id',
            register_worker.worker_id, seen_on, now() - seen_at
            USING ERRCODE = 'unique_violation';
    END IF;
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
'Registers a worker process at start-up: its worker_id, host and free-form info, and marks it seen now. An id whose worker was seen in the last 30 seconds is refused (SQLSTATE 23505): a worker never takes over a live worker''s entry. An id seen longer ago (its process died, or its heartbeats stopped) is taken over.';

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
    -- As in 0012, but last_error no longer names the previous holder: the
    -- next worker receives last_error from claim_job, and worker ids are kept
    -- between a worker and the operators (job_errors.worker_id).
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
                'lease expired: attempt %s was not finished by %s', j.attempt, e.lease_expires_at
            )
        FROM expired AS e
        WHERE j.id = e.id
        RETURNING j.id, j.attempt, j.state, j.queue, e.locked_by, j.last_error
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

REVOKE EXECUTE ON FUNCTION
xferity.cancel_job(bigint, text),
xferity.retry_job(bigint, integer),
xferity.retry_failed_jobs(text, text, timestamptz, timestamptz, integer, integer),
xferity.reschedule_job(bigint, timestamptz, integer),
xferity.discard_jobs(text[], text, text, timestamptz, integer),
xferity.queue_stats(interval),
xferity.worker_health(interval)
FROM PUBLIC;
