-- 0018 claim in fewer statements: claim_job leases each priority level's jobs
-- with one statement that locks and updates them, instead of locking them in
-- one statement and updating them in another. A worker at batch 1 then runs
-- two statements per claim (probe the level, lease its jobs) instead of
-- three, which cuts the server CPU of claim_job and of complete_and_claim_jobs
-- (which calls it): scripts/bench_queue_peers.mjs, docs/development.md.
--
-- Same signature, arguments, bounds, results and claim order as 0014; the
-- walk over priority levels and the indexes each statement uses are 0014's.
-- An older worker still running during the upgrade sees no difference.

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
    END IF;

    -- Every statement's WHERE clause repeats the predicate of its claim
    -- index verbatim: jobs_claim_idx for all queues, jobs_claim_queue_idx
    -- (state = 'available' only, see there) for named queues.
    LOOP
        -- The next priority level below `level` holding available jobs, and
        -- whether its earliest job is due: a level of future jobs only costs
        -- this one probe.
        IF wanted_queues IS NULL THEN
            SELECT j.priority, j.run_at <= now() INTO level, level_due
            FROM xferity.jobs AS j
            WHERE j.state = 'available' AND j.attempt < j.max_attempts
                AND j.priority < level
            ORDER BY j.priority DESC, j.run_at
            LIMIT 1;
        ELSE
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
        END IF;
        EXIT WHEN level IS NULL;
        CONTINUE WHEN NOT level_due;

        -- Lease the first due jobs of this level in (run_at, id) order,
        -- skipping rows other claimers hold: one statement locks and
        -- updates them, and returns them in claim order.
        IF wanted_queues IS NULL THEN
            RETURN QUERY
            WITH claimed AS (
                UPDATE xferity.jobs AS j
                SET state = 'running',
                    attempt = j.attempt + 1,
                    locked_by = claim_job.worker_id,
                    locked_at = now(),
                    lease_expires_at = now() + claim_job.lease
                WHERE j.ctid = ANY (ARRAY(
                    SELECT r.ctid
                    FROM xferity.jobs AS r
                    WHERE r.state = 'available' AND r.attempt < r.max_attempts
                        AND r.priority = level
                        AND r.run_at <= now()
                    ORDER BY r.run_at, r.id
                    LIMIT wanted
                    FOR UPDATE SKIP LOCKED
                ))
                RETURNING j.*
            )

            SELECT c.* FROM claimed AS c ORDER BY c.run_at, c.id;
        ELSE
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
        END IF;
        GET DIAGNOSTICS claimed_here = ROW_COUNT;
        wanted := wanted - claimed_here;
        EXIT WHEN wanted <= 0;
    END LOOP;
END;
$$;
