-- Rollback of 0026: restores 0025's complete_and_claim_jobs, which calls
-- claim_job for its claim. Its comment did not change.

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
ROWS 10
AS $$
#variable_conflict use_column
DECLARE
    done_ids bigint[];
    lost bigint[] := '{}';
    failure integer;
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

    IF complete_and_claim_jobs.max_jobs > 0 THEN
        RETURN QUERY
        SELECT
            'claimed'::text, c.id, c.queue, c.kind, c.payload, c.priority,
            c.run_at, c.attempt, c.max_attempts, c.lease_expires_at
        FROM xferity.claim_job(
            complete_and_claim_jobs.worker_id,
            complete_and_claim_jobs.queues,
            complete_and_claim_jobs.max_jobs,
            complete_and_claim_jobs.lease
        ) AS c;
    END IF;
END;
$$;
