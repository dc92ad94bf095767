-- 0024 claim from each queue's first due level: a claim whose highest
-- priority level holds only future jobs is one statement, like any other.
--
-- Why. 0022's first statement leased at the highest head's priority. When
-- that level held only jobs not yet due (scheduled work, retries in backoff,
-- at a higher priority than the due jobs), the statement leased nothing and
-- the walk began: list the queues, find a level, skip it, find the next, lease
-- there: five statements where the baseline claim runs one, 1.6-1.7x its p50
-- on PostgreSQL 18 (docs/development.md, "Scale after 0022"). An empty queue
-- cost three statements.
--
-- How. One function, claim_queue_heads, finds each queue's due head: the
-- first available job, in claim order, of the queue's highest priority level
-- below a bound whose first job is due (a level's first job is its earliest,
-- so a level whose first job is not due holds no due job). A recursive probe
-- steps down a queue's levels, one index descent each, past levels that are
-- not due, and for all queues on to the next queue (the loose scan of 0020),
-- all in one statement. It is LANGUAGE sql and STABLE, so PostgreSQL inlines
-- it into each statement of claim_job that calls it: the plan is the same as
-- if it were written out there.
--
-- claim_job's first statement leases at the highest due head's priority from
-- the heads at it, as 0022 did from the highest head's. A short claim walks
-- the levels as 0022 did, now only over levels with due jobs, and finds the
-- heads of each in the same statement that lists the queues.
--
-- Same signature, arguments, bounds, results and claim order as 0022, and
-- the same trade-off under concurrency (see 0022): a step of the walk reads
-- the heads and leases in two statements.

-- No SET search_path here: PostgreSQL never inlines a function with SET clauses.
-- It is not SECURITY DEFINER, names its table with its schema, and only its
-- owner may execute it (claim_job runs as that owner).
CREATE FUNCTION xferity.claim_queue_heads(queues text[], below bigint)
RETURNS TABLE (queue text, priority integer, run_at timestamptz, id bigint)
LANGUAGE sql
STABLE
AS $$
    WITH RECURSIVE probe (queue, priority, run_at, id) AS (
        -- All queues: the first available job of the first queue.
        (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE claim_queue_heads.queues IS NULL AND j.state = 'available'
            ORDER BY j.queue, j.priority DESC, j.run_at, j.id
            LIMIT 1
        )
        UNION ALL
        -- Named queues: the first available job of each.
        SELECT h.queue, h.priority, h.run_at, h.id
        FROM (SELECT DISTINCT q.name FROM unnest(claim_queue_heads.queues) AS q (name)) AS q
        CROSS JOIN LATERAL (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE j.state = 'available' AND j.queue = q.name
            ORDER BY j.priority DESC, j.run_at, j.id
            LIMIT 1
        ) AS h
        UNION ALL
        SELECT n.queue, n.priority, n.run_at, n.id
        FROM probe AS p
        CROSS JOIN LATERAL (
            (
                -- p is at or above the bound, or not due: the first job of
                -- the queue's next level down.
                SELECT j.queue, j.priority, j.run_at, j.id
                FROM xferity.jobs AS j
                WHERE (p.priority >= claim_queue_heads.below OR p.run_at > now())
                    AND j.state = 'available'
                    AND j.queue = p.queue
                    AND j.priority < least(p.priority, claim_queue_heads.below)
                ORDER BY j.priority DESC, j.run_at, j.id
                LIMIT 1
            )
            UNION ALL
            (
                -- Otherwise, for all queues: the first job of the next queue.
                SELECT j.queue, j.priority, j.run_at, j.id
                FROM xferity.jobs AS j
                WHERE claim_queue_heads.queues IS NULL
                    AND j.state = 'available'
                    AND j.queue > p.queue
                ORDER BY j.queue, j.priority DESC, j.run_at, j.id
                LIMIT 1
            )
            LIMIT 1
        ) AS n
    )

    SELECT p.queue, p.priority, p.run_at, p.id
    FROM probe AS p
    WHERE p.priority < claim_queue_heads.below AND p.run_at <= now();
$$;

COMMENT ON FUNCTION xferity.claim_queue_heads(text[], bigint) IS
'[admin] Internal to claim_job, which it is inlined into: for each of the given queues (NULL: each queue holding available jobs), its first available job in claim order at the highest priority below `below` whose first job is due, as (queue, priority, run_at, id). Queues with no such job are left out.';

REVOKE EXECUTE ON FUNCTION xferity.claim_queue_heads(text[], bigint) FROM PUBLIC;

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
    head_queues text[];
    head_run_ats timestamptz[];
    head_ids bigint[];
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

    -- First, in one statement: the due head of each queue, and the lease of
    -- the first due jobs at the highest due head's priority, each queue's scan
    -- starting at its head.
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
            FROM (
                SELECT h.queue, h.priority, h.run_at, h.id
                FROM xferity.claim_queue_heads(claim_job.queues, level) AS h
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

    -- A short claim (the top due level used up or held by other claimers)
    -- walks the levels with due jobs from the top again, one level per step:
    -- the due heads below the level, then the lease at the highest of them.
    WHILE wanted > 0 LOOP
        SELECT l.priority, array_agg(l.queue), array_agg(l.run_at), array_agg(l.id)
        INTO level, head_queues, head_run_ats, head_ids
        FROM (
            SELECT h.queue, h.priority, h.run_at, h.id
            FROM xferity.claim_queue_heads(claim_job.queues, level) AS h
            ORDER BY h.priority DESC
            FETCH FIRST 1 ROW WITH TIES
        ) AS l
        GROUP BY l.priority;
        EXIT WHEN level IS NULL;

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
    END LOOP;
END;
$$;

COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS
'[worker] Leases up to max_jobs (1 to 1000) claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout; at most 1 day: extend longer work with heartbeat_job). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable. Its cost does not depend on other queues'' backlog, on jobs not yet due or on finished jobs: it finds the due head (first available job of the highest level with a due job) of each requested queue (NULL: each queue holding available jobs), stepping down past levels of future jobs by one index probe each, then reads only due jobs of those queues from their heads.';
