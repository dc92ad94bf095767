-- Rollback of 0024: restores 0022's claim_job, which leases at the highest
-- head's priority and walks the levels one statement pair at a time, and its
-- comment, then drops claim_queue_heads, which only 0024's claim_job calls.

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
    wanted_queues text[];
    head_queues text[];
    head_run_ats timestamptz[];
    head_ids bigint[];
    level_due boolean;
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

    -- First, in one statement: the head of each queue (its first available job
    -- in claim order: for all queues, by a loose scan of the claim index), and
    -- the lease of the first due jobs at the highest head's priority, each
    -- queue's scan starting at its head.
    RETURN QUERY
    WITH RECURSIVE present (queue, priority, run_at, id) AS (
        (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE claim_job.queues IS NULL AND j.state = 'available'
            ORDER BY j.queue, j.priority DESC, j.run_at, j.id
            LIMIT 1
        )
        UNION ALL
        SELECT n.queue, n.priority, n.run_at, n.id
        FROM present AS p
        CROSS JOIN LATERAL (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE j.state = 'available' AND j.queue > p.queue
            ORDER BY j.queue, j.priority DESC, j.run_at, j.id
            LIMIT 1
        ) AS n
    ),

    heads AS (
        SELECT p.queue, p.priority, p.run_at, p.id FROM present AS p
        UNION ALL
        SELECT t.queue, t.priority, t.run_at, t.id
        FROM (SELECT DISTINCT q.name FROM unnest(claim_job.queues) AS q (name)) AS q
        CROSS JOIN LATERAL (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE j.state = 'available' AND j.queue = q.name
            ORDER BY j.priority DESC, j.run_at, j.id
            LIMIT 1
        ) AS t
    ),

    claimed AS (
        UPDATE xferity.jobs AS j
        SET state = 'running',
            attempt = j.attempt + 1,
            locked_by = claim_job.worker_id,
            locked_at = now(),
            lease_expires_at = now() + claim_job.lease
        WHERE j.ctid = ANY (ARRAY(
            SELECT c.ctid
            FROM (
                SELECT h.queue, h.priority, h.run_at, h.id
                FROM heads AS h
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
    IF wanted <= 0 THEN
        RETURN;
    END IF;

    -- A short claim (the top level not due, used up or held by other claimers)
    -- walks the levels from the top again, as 0020 did, one level per step:
    -- the heads of the queues below the level, then the lease at the highest
    -- of them, each queue's scan starting at its head.
    IF claim_job.queues IS NOT NULL THEN
        wanted_queues := ARRAY(SELECT DISTINCT q FROM unnest(claim_job.queues) AS q);
    ELSE
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

    LOOP
        SELECT l.priority, array_agg(l.queue), array_agg(l.run_at), array_agg(l.id),
            bool_or(l.run_at <= now())
        INTO level, head_queues, head_run_ats, head_ids, level_due
        FROM (
            SELECT h.queue, h.priority, h.run_at, h.id
            FROM unnest(wanted_queues) AS q (name)
            CROSS JOIN LATERAL (
                SELECT j.queue, j.priority, j.run_at, j.id
                FROM xferity.jobs AS j
                WHERE j.state = 'available'
                    AND j.queue = q.name
                    AND j.priority < level
                ORDER BY j.priority DESC, j.run_at, j.id
                LIMIT 1
            ) AS h
            ORDER BY h.priority DESC
            FETCH FIRST 1 ROW WITH TIES
        ) AS l
        GROUP BY l.priority;
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
                FROM unnest(head_queues, head_run_ats, head_ids) AS t (queue, run_at, id)
                CROSS JOIN LATERAL (
                    SELECT r.ctid, r.run_at, r.id
                    FROM xferity.jobs AS r
                    WHERE r.state = 'available'
                        AND r.queue = t.queue
                        AND r.priority = level
                        AND (r.run_at, r.id) >= (t.run_at, t.id)
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
        EXIT WHEN wanted <= 0;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS
'[worker] Leases up to max_jobs (1 to 1000) claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout; at most 1 day: extend longer work with heartbeat_job). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable. Its cost does not depend on other queues'' backlog, on jobs not yet due or on finished jobs: it finds the head (first available job) of each requested queue (NULL: each queue holding available jobs) once per priority level it visits, then reads only due jobs of those queues from their heads.';

DROP FUNCTION xferity.claim_queue_heads(text[], bigint);
