-- Rollback of 0014 job queue at scale: drops the fused call, the set-based
-- enqueue and the per-queue claim index, and puts back the 0012 bodies of
-- claim_job, heartbeat_job and enqueue_job (without the bounds). No job is
-- lost; the claim just walks one index again.

DROP FUNCTION xferity.complete_and_claim_jobs(
    text, bigint[], text[], integer, interval, jsonb[], bigint[], text[], boolean[]
);

DROP FUNCTION xferity.enqueue_jobs(
    text[], jsonb[], text[], timestamptz[], integer[], integer[], text[]
);

CREATE OR REPLACE FUNCTION xferity.claim_job(
    worker_id text,
    queues text[] DEFAULT NULL,
    max_jobs integer DEFAULT 1,
    lease interval DEFAULT '300 seconds'
)
RETURNS SETOF xferity.jobs
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
SET plan_cache_mode = force_generic_plan
ROWS 10
AS $$
#variable_conflict use_column
BEGIN
    IF coalesce(claim_job.worker_id, '') = '' THEN
        RAISE EXCEPTION 'claim_job: worker_id must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.max_jobs IS NULL OR claim_job.max_jobs < 1 THEN
        RAISE EXCEPTION 'claim_job: max_jobs must be at least 1, got %', claim_job.max_jobs
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.lease IS NULL OR claim_job.lease <= interval '0' THEN
        RAISE EXCEPTION 'claim_job: lease must be positive, got %', claim_job.lease
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Lock the first claimable rows in claim order, skipping rows other
    -- claimers hold, then lease them. The WHERE clause repeats the predicate
    -- of jobs_claim_idx verbatim.
    RETURN QUERY
    WITH ready AS MATERIALIZED (
        SELECT j.id
        FROM xferity.jobs AS j
        WHERE j.state = 'available' AND j.attempt < j.max_attempts
            AND j.run_at <= now()
            AND (claim_job.queues IS NULL OR j.queue = ANY (claim_job.queues))
        ORDER BY j.priority DESC, j.run_at, j.id
        LIMIT claim_job.max_jobs
        FOR UPDATE SKIP LOCKED
    ),

    claimed AS (
        UPDATE xferity.jobs AS j
        SET state = 'running',
            attempt = j.attempt + 1,
            locked_by = claim_job.worker_id,
            locked_at = now(),
            lease_expires_at = now() + claim_job.lease
        WHERE j.id = ANY (ARRAY(SELECT r.id FROM ready AS r))
        RETURNING j.*
    )

    SELECT c.*
    FROM claimed AS c
    ORDER BY c.priority DESC, c.run_at, c.id;
END;
$$;

CREATE OR REPLACE FUNCTION xferity.heartbeat_job(
    job_id bigint,
    worker_id text,
    lease interval DEFAULT '300 seconds'
)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF heartbeat_job.lease IS NULL OR heartbeat_job.lease <= interval '0' THEN
        RAISE EXCEPTION 'heartbeat_job: lease must be positive, got %', heartbeat_job.lease
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE xferity.jobs AS j
    SET lease_expires_at = now() + heartbeat_job.lease
    WHERE j.id = heartbeat_job.job_id
        AND j.state = 'running'
        AND j.locked_by = heartbeat_job.worker_id
        AND j.lease_expires_at > now();
    RETURN FOUND;
END;
$$;

CREATE OR REPLACE FUNCTION xferity.enqueue_job(
    kind text,
    payload jsonb DEFAULT '{}',
    queue text DEFAULT 'default',
    run_at timestamptz DEFAULT now(),
    priority integer DEFAULT 0,
    max_attempts integer DEFAULT 3,
    dedupe_key text DEFAULT NULL
)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    new_queue text := coalesce(enqueue_job.queue, 'default');
    new_run_at timestamptz := coalesce(enqueue_job.run_at, now());
    job bigint;
BEGIN
    LOOP
        IF enqueue_job.dedupe_key IS NOT NULL THEN
            SELECT j.id INTO job
            FROM xferity.jobs AS j
            WHERE j.dedupe_key = enqueue_job.dedupe_key
                AND j.state IN ('available', 'running');
            IF FOUND THEN
                RETURN job;
            END IF;
        END IF;

        INSERT INTO xferity.jobs (
            queue, kind, payload, run_at, priority, max_attempts, dedupe_key
        )
        VALUES (
            new_queue,
            enqueue_job.kind,
            coalesce(enqueue_job.payload, '{}'),
            new_run_at,
            coalesce(enqueue_job.priority, 0),
            coalesce(enqueue_job.max_attempts, 3),
            enqueue_job.dedupe_key
        )
        ON CONFLICT (dedupe_key)
        WHERE dedupe_key IS NOT NULL AND state IN ('available', 'running')
        DO NOTHING
        RETURNING id INTO job;

        IF job IS NOT NULL THEN
            IF new_run_at <= now() THEN
                PERFORM pg_notify('xferity_jobs', new_queue);
            END IF;
            RETURN job;
        END IF;
        -- Another transaction inserted the key since our SELECT; the next
        -- round returns its job (or inserts again if it finished meanwhile).
    END LOOP;
END;
$$;

-- The comments as they were before 0014: the 0012 text, with the [worker]
-- tag when the role model's tags are in force (0013 applied: the untouched
-- complete_job carries the tag too).
DO $rollback$
DECLARE
    tag text := CASE
        WHEN obj_description(
            'xferity.complete_job(bigint, text, jsonb)'::regprocedure, 'pg_proc'
        ) LIKE '[worker]%' THEN '[worker] '
        ELSE ''
    END;
BEGIN
    EXECUTE format(
        'COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS %L',
        tag || 'Leases up to max_jobs claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable.'
    );
    EXECUTE format(
        'COMMENT ON FUNCTION xferity.heartbeat_job(bigint, text, interval) IS %L',
        tag || 'Extends a live lease to now() + lease. Returns false when worker_id no longer holds a live lease on the job: the worker should abandon it, since it may already run elsewhere.'
    );
    EXECUTE format(
        'COMMENT ON FUNCTION xferity.enqueue_job(text, jsonb, text, timestamptz, integer, integer, text) IS %L',
        tag || 'Adds a job and returns its id. NULL arguments take the defaults. With a dedupe_key, returns the id of the unfinished (available or running) job holding that key instead of adding a second one; race-safe through the jobs_dedupe_key_idx unique index. Sends NOTIFY xferity_jobs (payload: queue) on commit when run_at <= now().'
    );
END;
$rollback$;

DROP INDEX xferity.jobs_claim_queue_idx;
