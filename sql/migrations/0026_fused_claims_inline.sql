-- 0026 the fused call claims in its own statement: complete_and_claim_jobs
-- runs claim_job's first statement itself instead of calling claim_job.
--
-- Why. At batch 1 the fused call's cost is mostly fixed: each call of
-- claim_job from it set up a second plpgsql frame, switched two settings
-- (search_path, plan_cache_mode) in and out, ran claim_job's argument check
-- again and copied its rows from one result set into another. A worker
-- asking for jobs it can get (the common case) needs none of that.
--
-- How. complete_and_claim_jobs gets claim_job's first statement (0025: the
-- lease at the top due level, written once for all queues and once for named
-- ones) and its plan setting (a generic plan, see 0012). When that claims
-- fewer than max_jobs, the call asks claim_job for the rest, which starts
-- again from the top due level and walks down as before: the same jobs in
-- the same order, with one more probe of the top level on a short claim.
--
-- Same signature, arguments, bounds, errors, results and claim order as
-- 0025's complete_and_claim_jobs. claim_job does not change.

CREATE OR REPLACE FUNCTION xferity.complete_and_claim_jobs(
    worker_id text,
    completed_ids bigint[] DEFAULT NULL,
    queues text[] DEFAULT NULL,
    max_jobs integer DEFAULT 1,
    lease interval DEFAULT '300 seconds',
    results jsonb[] DEFAULT NULL,
    failed_ids bigint[] DEFAULT NULL,
    errors text[] DEFAULT NULL,
    permanent boolean[] DEFAULT NULL
)
RETURNS TABLE (
    outcome text,
    id bigint,
    queue text,
    kind text,
    payload jsonb,
    priority integer,
    run_at timestamptz,
    attempt integer,
    max_attempts integer,
    lease_expires_at timestamptz
)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
SET plan_cache_mode = force_generic_plan
ROWS 10
AS $$
#variable_conflict use_column
DECLARE
    done_ids bigint[];
    lost bigint[] := '{}';
    failure integer;
    -- claim_job's first level, above every integer priority.
    level bigint := 2147483648;
    claimed_here integer;
BEGIN
    -- Every argument is checked before anything changes, in one expression
    -- when all are valid (see claim_job).
    IF coalesce(complete_and_claim_jobs.worker_id, '') = ''
        OR complete_and_claim_jobs.max_jobs IS NULL
        OR complete_and_claim_jobs.max_jobs NOT BETWEEN 0 AND 1000
        OR complete_and_claim_jobs.lease IS NULL
        OR complete_and_claim_jobs.lease <= interval '0'
        OR complete_and_claim_jobs.lease > interval '1 day'
        OR complete_and_claim_jobs.results IS NOT NULL
        OR complete_and_claim_jobs.errors IS NOT NULL
        OR complete_and_claim_jobs.permanent IS NOT NULL THEN
        IF coalesce(complete_and_claim_jobs.worker_id, '') = '' THEN
            RAISE EXCEPTION 'complete_and_claim_jobs: worker_id must not be empty'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF complete_and_claim_jobs.max_jobs IS NULL
            OR complete_and_claim_jobs.max_jobs NOT BETWEEN 0 AND 1000 THEN
            RAISE EXCEPTION 'complete_and_claim_jobs: max_jobs must be between 0 and 1000, got %',
                complete_and_claim_jobs.max_jobs
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF complete_and_claim_jobs.lease IS NULL OR complete_and_claim_jobs.lease <= interval '0'
            OR complete_and_claim_jobs.lease > interval '1 day' THEN
            RAISE EXCEPTION 'complete_and_claim_jobs: lease must be positive and at most 1 day, got %',
                complete_and_claim_jobs.lease
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF complete_and_claim_jobs.results IS NOT NULL
            AND coalesce(cardinality(complete_and_claim_jobs.results), 0)
            <> coalesce(cardinality(complete_and_claim_jobs.completed_ids), 0) THEN
            RAISE EXCEPTION 'complete_and_claim_jobs: results must have one element per completed id'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF (complete_and_claim_jobs.errors IS NOT NULL
                AND coalesce(cardinality(complete_and_claim_jobs.errors), 0)
                <> coalesce(cardinality(complete_and_claim_jobs.failed_ids), 0))
            OR (complete_and_claim_jobs.permanent IS NOT NULL
                AND coalesce(cardinality(complete_and_claim_jobs.permanent), 0)
                <> coalesce(cardinality(complete_and_claim_jobs.failed_ids), 0)) THEN
            RAISE EXCEPTION 'complete_and_claim_jobs: errors and permanent must have one element per failed id'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;

    -- Completions: complete_jobs, or complete_job per job when results are given.
    IF coalesce(cardinality(complete_and_claim_jobs.completed_ids), 0) > 0 THEN
        IF complete_and_claim_jobs.results IS NULL THEN
            WITH done AS (
                UPDATE xferity.jobs AS j
                SET state = 'completed',
                    lease_expires_at = NULL,
                    finished_at = now()
                WHERE j.id = ANY (complete_and_claim_jobs.completed_ids)
                    AND j.state = 'running'
                    AND j.locked_by = complete_and_claim_jobs.worker_id
                    AND j.lease_expires_at > now()
                RETURNING j.id
            )

            SELECT array_agg(d.id) INTO done_ids FROM done AS d;
        ELSE
            WITH done AS (
                UPDATE xferity.jobs AS j
                SET state = 'completed',
                    result = r.result,
                    lease_expires_at = NULL,
                    finished_at = now()
                FROM unnest(
                    complete_and_claim_jobs.completed_ids, complete_and_claim_jobs.results
                ) AS r (id, result)
                WHERE j.id = r.id
                    AND j.state = 'running'
                    AND j.locked_by = complete_and_claim_jobs.worker_id
                    AND j.lease_expires_at > now()
                RETURNING j.id
            )

            SELECT array_agg(d.id) INTO done_ids FROM done AS d;
        END IF;
        IF coalesce(cardinality(done_ids), 0)
            < cardinality(complete_and_claim_jobs.completed_ids) THEN
            lost := ARRAY(
                SELECT DISTINCT c.id
                FROM unnest(complete_and_claim_jobs.completed_ids) AS c (id)
                WHERE c.id <> ALL (coalesce(done_ids, '{}'))
            );
        END IF;
    END IF;

    -- Failures: fail_job each, with its default backoff.
    IF cardinality(complete_and_claim_jobs.failed_ids) > 0 THEN
        FOR failure IN 1..cardinality(complete_and_claim_jobs.failed_ids) LOOP
            IF xferity.fail_job(
                complete_and_claim_jobs.failed_ids[failure],
                complete_and_claim_jobs.worker_id,
                complete_and_claim_jobs.errors[failure],
                coalesce(complete_and_claim_jobs.permanent[failure], false)
            ) = 'lease_lost' THEN
                lost := lost || complete_and_claim_jobs.failed_ids[failure];
            END IF;
        END LOOP;
    END IF;

    IF cardinality(lost) > 0 THEN
        RETURN QUERY
        SELECT
            'lease_lost'::text, l.id, NULL::text, NULL::text, NULL::jsonb, NULL::integer,
            NULL::timestamptz, NULL::integer, NULL::integer, NULL::timestamptz
        FROM unnest(lost) AS l (id);
    END IF;

    -- The claim: claim_job's first statement, written out here so that the
    -- call sets up no second function (its frame, its settings, a copy of its
    -- rows); only a short claim goes on to claim_job, which starts again from
    -- the top due level and walks down.
    IF complete_and_claim_jobs.max_jobs > 0 THEN
        IF complete_and_claim_jobs.queues IS NULL THEN
            RETURN QUERY
            WITH claimed AS (
                UPDATE xferity.jobs AS j
                SET state = 'running',
                    attempt = j.attempt + 1,
                    locked_by = complete_and_claim_jobs.worker_id,
                    locked_at = now(),
                    lease_expires_at = now() + complete_and_claim_jobs.lease
                WHERE j.ctid = ANY (ARRAY(
                    SELECT c.ctid
                    FROM (
                        SELECT h.queue, h.priority, h.run_at, h.id
                        FROM xferity.claim_all_queue_heads(level) AS h
                        ORDER BY h.priority DESC
                        FETCH FIRST 1 ROW WITH TIES
                    ) AS t
                    CROSS JOIN LATERAL (
                        SELECT r.ctid, r.run_at, r.id
                        FROM xferity.jobs AS r
                        WHERE r.state = 'available'
                            AND r.queue = t.queue
                            AND r.priority = t.priority
                            AND (r.run_at, r.id) >= (t.run_at, t.id)
                            AND r.run_at <= now()
                        ORDER BY r.run_at, r.id
                        LIMIT complete_and_claim_jobs.max_jobs
                        FOR UPDATE SKIP LOCKED
                    ) AS c
                    ORDER BY c.run_at, c.id
                    LIMIT complete_and_claim_jobs.max_jobs
                ))
                RETURNING j.id, j.queue, j.kind, j.payload, j.priority, j.run_at, j.attempt,
                    j.max_attempts, j.lease_expires_at
            )

            SELECT
                'claimed'::text, c.id, c.queue, c.kind, c.payload, c.priority,
                c.run_at, c.attempt, c.max_attempts, c.lease_expires_at
            FROM claimed AS c
            ORDER BY c.run_at, c.id;
        ELSE
            RETURN QUERY
            WITH claimed AS (
                UPDATE xferity.jobs AS j
                SET state = 'running',
                    attempt = j.attempt + 1,
                    locked_by = complete_and_claim_jobs.worker_id,
                    locked_at = now(),
                    lease_expires_at = now() + complete_and_claim_jobs.lease
                WHERE j.ctid = ANY (ARRAY(
                    SELECT c.ctid
                    FROM (
                        SELECT h.queue, h.priority, h.run_at, h.id
                        FROM xferity.claim_named_queue_heads(complete_and_claim_jobs.queues, level) AS h
                        ORDER BY h.priority DESC
                        FETCH FIRST 1 ROW WITH TIES
                    ) AS t
                    CROSS JOIN LATERAL (
                        SELECT r.ctid, r.run_at, r.id
                        FROM xferity.jobs AS r
                        WHERE r.state = 'available'
                            AND r.queue = t.queue
                            AND r.priority = t.priority
                            AND (r.run_at, r.id) >= (t.run_at, t.id)
                            AND r.run_at <= now()
                        ORDER BY r.run_at, r.id
                        LIMIT complete_and_claim_jobs.max_jobs
                        FOR UPDATE SKIP LOCKED
                    ) AS c
                    ORDER BY c.run_at, c.id
                    LIMIT complete_and_claim_jobs.max_jobs
                ))
                RETURNING j.id, j.queue, j.kind, j.payload, j.priority, j.run_at, j.attempt,
                    j.max_attempts, j.lease_expires_at
            )

            SELECT
                'claimed'::text, c.id, c.queue, c.kind, c.payload, c.priority,
                c.run_at, c.attempt, c.max_attempts, c.lease_expires_at
            FROM claimed AS c
            ORDER BY c.run_at, c.id;
        END IF;
        GET DIAGNOSTICS claimed_here = ROW_COUNT;
        IF claimed_here < complete_and_claim_jobs.max_jobs THEN
            RETURN QUERY
            SELECT
                'claimed'::text, c.id, c.queue, c.kind, c.payload, c.priority,
                c.run_at, c.attempt, c.max_attempts, c.lease_expires_at
            FROM xferity.claim_job(
                complete_and_claim_jobs.worker_id,
                complete_and_claim_jobs.queues,
                complete_and_claim_jobs.max_jobs - claimed_here,
                complete_and_claim_jobs.lease
            ) AS c;
        END IF;
    END IF;
END;
$$;
