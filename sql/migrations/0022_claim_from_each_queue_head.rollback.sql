-- Rollback of 0022: restores 0020's claim_job, which lists the queues first
-- and finds the top level by an InitPlan, and its comment.

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
DECLARE
    -- Priority levels are walked downwards from above every integer.
    level bigint := 2147483648;
    wanted integer := claim_job.max_jobs;
    claimed_here integer;
    level_due boolean;
    wanted_queues text[];
BEGIN
    IF coalesce(claim_job.worker_id, '') = '' THEN
        RAISE EXCEPTION 'claim_job: worker_id must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.max_jobs IS NULL OR claim_job.max_jobs < 1 THEN
        RAISE EXCEPTION 'claim_job: max_jobs must be at least 1, got %', claim_job.max_jobs
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.max_jobs > 1000 THEN
        RAISE EXCEPTION 'claim_job: max_jobs must be at most 1000, got %', claim_job.max_jobs
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.lease IS NULL OR claim_job.lease <= interval '0' THEN
        RAISE EXCEPTION 'claim_job: lease must be positive, got %', claim_job.lease
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.lease > interval '1 day' THEN
        RAISE EXCEPTION 'claim_job: lease must be at most 1 day, got %', claim_job.lease
            USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Claim with a shorter lease and extend it with heartbeat_job.';
    END IF;
    IF claim_job.queues IS NOT NULL THEN
        -- Each queue once: a queue named twice would be read twice.
        wanted_queues := ARRAY(SELECT DISTINCT q FROM unnest(claim_job.queues) AS q);
    ELSE
        -- All queues: those holding available jobs, one index probe each.
        wanted_queues := ARRAY(
            WITH RECURSIVE present (name) AS (
                (
                    SELECT j.queue
                    FROM xferity.jobs AS j
                    WHERE j.state = 'available'
                    ORDER BY j.queue
                    LIMIT 1
                )
                UNION ALL
                SELECT n.queue
                FROM present AS p
                CROSS JOIN LATERAL (
                    SELECT j.queue
                    FROM xferity.jobs AS j
                    WHERE j.state = 'available' AND j.queue > p.name
                    ORDER BY j.queue
                    LIMIT 1
                ) AS n
            )

            SELECT p.name FROM present AS p
        );
    END IF;
    IF cardinality(wanted_queues) = 0 THEN
        RETURN;
    END IF;

    -- First, in one statement: the top priority level holding available jobs
    -- in those queues (an InitPlan), and the lease of its first due jobs. A
    -- short claim (the level's first job not due, its due jobs used up or held
    -- by other claimers) falls through to the walk below, which starts at the
    -- top again.
    RETURN QUERY
    WITH claimed AS (
        UPDATE xferity.jobs AS j
        SET state = 'running',
            attempt = j.attempt + 1,
            locked_by = claim_job.worker_id,
            locked_at = now(),
            lease_expires_at = now() + claim_job.lease
        WHERE j.ctid = ANY (ARRAY(
            SELECT c.ctid
            FROM unnest(wanted_queues) AS q (name)
            CROSS JOIN LATERAL (
                SELECT r.ctid, r.run_at, r.id
                FROM xferity.jobs AS r
                WHERE r.state = 'available'
                    AND r.queue = q.name
                    AND r.priority = (
                        SELECT p.priority
                        FROM unnest(wanted_queues) AS tq (name)
                        CROSS JOIN LATERAL (
                            SELECT t.priority, t.run_at
                            FROM xferity.jobs AS t
                            WHERE t.state = 'available' AND t.queue = tq.name
                            ORDER BY t.priority DESC, t.run_at
                            LIMIT 1
                        ) AS p
                        ORDER BY p.priority DESC, p.run_at
                        LIMIT 1
                    )
                    AND r.run_at <= now()
                ORDER BY r.run_at, r.id
                LIMIT wanted
                FOR UPDATE SKIP LOCKED
            ) AS c
            ORDER BY c.run_at, c.id
            LIMIT wanted
        ))
        RETURNING j.*
    )

    SELECT c.* FROM claimed AS c ORDER BY c.run_at, c.id;
    GET DIAGNOSTICS claimed_here = ROW_COUNT;
    wanted := wanted - claimed_here;

    -- The walk of 0014/0018 over the priority levels, for what is still wanted.
    WHILE wanted > 0 LOOP
        SELECT p.priority, p.run_at <= now() INTO level, level_due
        FROM unnest(wanted_queues) AS q (name)
        CROSS JOIN LATERAL (
            SELECT j.priority, j.run_at
            FROM xferity.jobs AS j
            WHERE j.state = 'available'
                AND j.queue = q.name
                AND j.priority < level
            ORDER BY j.priority DESC, j.run_at
            LIMIT 1
        ) AS p
        ORDER BY p.priority DESC, p.run_at
        LIMIT 1;
        EXIT WHEN level IS NULL;
        CONTINUE WHEN NOT level_due;

        RETURN QUERY
        WITH claimed AS (
            UPDATE xferity.jobs AS j
            SET state = 'running',
                attempt = j.attempt + 1,
                locked_by = claim_job.worker_id,
                locked_at = now(),
                lease_expires_at = now() + claim_job.lease
            WHERE j.ctid = ANY (ARRAY(
                SELECT c.ctid
                FROM unnest(wanted_queues) AS q (name)
                CROSS JOIN LATERAL (
                    SELECT r.ctid, r.run_at, r.id
                    FROM xferity.jobs AS r
                    WHERE r.state = 'available'
                        AND r.queue = q.name
                        AND r.priority = level
                        AND r.run_at <= now()
                    ORDER BY r.run_at, r.id
                    LIMIT wanted
                    FOR UPDATE SKIP LOCKED
                ) AS c
                ORDER BY c.run_at, c.id
                LIMIT wanted
            ))
            RETURNING j.*
        )

        SELECT c.* FROM claimed AS c ORDER BY c.run_at, c.id;
        GET DIAGNOSTICS claimed_here = ROW_COUNT;
        wanted := wanted - claimed_here;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS
'[worker] Leases up to max_jobs (1 to 1000) claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout; at most 1 day: extend longer work with heartbeat_job). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable. Its cost does not depend on other queues'' backlog, on jobs not yet due or on finished jobs: it probes each requested queue (NULL: each queue holding available jobs) once per priority level it visits, then reads only due jobs of those queues.';
