-- 0025 a lighter claim: fewer plan nodes and fewer compiled expressions on the
-- hot path of claim_job and complete_and_claim_jobs.
--
-- Why. At batch 1 a worker's call is mostly fixed cost: PostgreSQL sets up
-- every node of a statement's plan on each execution, and plpgsql compiles
-- each IF condition once per transaction, which in autocommit is every call.
-- A profile of the fused call at batch 1 (perf, PostgreSQL 18) put 24% of its
-- backend time in plan set-up, a fifth of that in the probes for the queues
-- the claim had not asked for, and about 5% in its IF conditions, most of
-- them argument checks; it also ran its lease_lost query, and set up its
-- failures loop, when it had none.
--
-- How.
-- * claim_queue_heads is now two functions, one for all queues (the loose
--   scan) and one for named queues; claim_queue_heads is their union, for
--   the walk of a short claim. All three are LANGUAGE sql and STABLE, so
--   PostgreSQL inlines them (see 0024).
-- * claim_job's first statement is written twice, for all queues and for
--   named ones, each with only its own probe in its plan. The walk is 0024's.
-- * claim_job and complete_and_claim_jobs check their arguments with one
--   expression when all are valid, and only then say which one is wrong.
-- * complete_and_claim_jobs returns lease_lost rows, and runs the failures
--   loop, only when there are any.
--
-- Same signatures, arguments, bounds, errors, results and claim order as
-- 0024 (claim_job) and 0014 (complete_and_claim_jobs).

-- No SET search_path on the probes: PostgreSQL never inlines a function with
-- SET clauses. They are not SECURITY DEFINER, name their table with its
-- schema, and only their owner may execute them (claim_job runs as that owner).
CREATE FUNCTION xferity.claim_all_queue_heads(below bigint)
RETURNS TABLE (queue text, priority integer, run_at timestamptz, id bigint)
LANGUAGE sql
STABLE
AS $$
    WITH RECURSIVE probe (queue, priority, run_at, id) AS (
        -- The first available job of the first queue.
        (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE j.state = 'available'
            ORDER BY j.queue, j.priority DESC, j.run_at, j.id
            LIMIT 1
        )
        UNION ALL
        SELECT n.queue, n.priority, n.run_at, n.id
        FROM probe AS p
        CROSS JOIN LATERAL (
            (
                -- p is at or above the bound, or not due: the first job of
                -- the queue's next level down.
                SELECT j.queue, j.priority, j.run_at, j.id
                FROM xferity.jobs AS j
                WHERE (p.priority >= claim_all_queue_heads.below OR p.run_at > now())
                    AND j.state = 'available'
                    AND j.queue = p.queue
                    AND j.priority < least(p.priority, claim_all_queue_heads.below)
                ORDER BY j.priority DESC, j.run_at, j.id
                LIMIT 1
            )
            UNION ALL
            (
                -- Otherwise the first job of the next queue.
                SELECT j.queue, j.priority, j.run_at, j.id
                FROM xferity.jobs AS j
                WHERE j.state = 'available' AND j.queue > p.queue
                ORDER BY j.queue, j.priority DESC, j.run_at, j.id
                LIMIT 1
            )
            LIMIT 1
        ) AS n
    )

    SELECT p.queue, p.priority, p.run_at, p.id
    FROM probe AS p
    WHERE p.priority < claim_all_queue_heads.below AND p.run_at <= now();
$$;

COMMENT ON FUNCTION xferity.claim_all_queue_heads(bigint) IS
'[admin] Internal to claim_job, which it is inlined into: claim_queue_heads for all queues, as (queue, priority, run_at, id), one row per queue holding available jobs with a due head below `below`.';

REVOKE EXECUTE ON FUNCTION xferity.claim_all_queue_heads(bigint) FROM PUBLIC;

CREATE FUNCTION xferity.claim_named_queue_heads(queues text[], below bigint)
RETURNS TABLE (queue text, priority integer, run_at timestamptz, id bigint)
LANGUAGE sql
STABLE
AS $$
    WITH RECURSIVE probe (queue, priority, run_at, id) AS (
        -- The first available job of each named queue.
        SELECT h.queue, h.priority, h.run_at, h.id
        FROM (SELECT DISTINCT q.name FROM unnest(claim_named_queue_heads.queues) AS q (name)) AS q
        CROSS JOIN LATERAL (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE j.state = 'available' AND j.queue = q.name
            ORDER BY j.priority DESC, j.run_at, j.id
            LIMIT 1
        ) AS h
        UNION ALL
        -- p is at or above the bound, or not due: the first job of the
        -- queue's next level down.
        SELECT n.queue, n.priority, n.run_at, n.id
        FROM probe AS p
        CROSS JOIN LATERAL (
            SELECT j.queue, j.priority, j.run_at, j.id
            FROM xferity.jobs AS j
            WHERE (p.priority >= claim_named_queue_heads.below OR p.run_at > now())
                AND j.state = 'available'
                AND j.queue = p.queue
                AND j.priority < least(p.priority, claim_named_queue_heads.below)
            ORDER BY j.priority DESC, j.run_at, j.id
            LIMIT 1
        ) AS n
    )

    SELECT p.queue, p.priority, p.run_at, p.id
    FROM probe AS p
    WHERE p.priority < claim_named_queue_heads.below AND p.run_at <= now();
$$;

COMMENT ON FUNCTION xferity.claim_named_queue_heads(text[], bigint) IS
'[admin] Internal to claim_job, which it is inlined into: claim_queue_heads for the named queues, as (queue, priority, run_at, id), one row per named queue with a due head below `below`.';

REVOKE EXECUTE ON FUNCTION xferity.claim_named_queue_heads(text[], bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION xferity.claim_queue_heads(queues text[], below bigint)
RETURNS TABLE (queue text, priority integer, run_at timestamptz, id bigint)
LANGUAGE sql
STABLE
AS $$
    SELECT a.queue, a.priority, a.run_at, a.id
    FROM xferity.claim_all_queue_heads(claim_queue_heads.below) AS a
    WHERE claim_queue_heads.queues IS NULL
    UNION ALL
    SELECT n.queue, n.priority, n.run_at, n.id
    FROM xferity.claim_named_queue_heads(claim_queue_heads.queues, claim_queue_heads.below) AS n;
$$;

COMMENT ON FUNCTION xferity.claim_queue_heads(text[], bigint) IS
'[admin] Internal to claim_job, which it is inlined into: for each of the given queues (NULL: each queue holding available jobs), its first available job in claim order at the highest priority below `below` whose first job is due, as (queue, priority, run_at, id). Queues with no such job are left out. The union of claim_all_queue_heads and claim_named_queue_heads.';

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
    -- The checks run one expression when every argument is valid (plpgsql
    -- compiles each IF condition once per transaction: once per autocommit call).
    IF coalesce(claim_job.worker_id, '') = ''
        OR claim_job.max_jobs IS NULL OR claim_job.max_jobs NOT BETWEEN 1 AND 1000
        OR claim_job.lease IS NULL OR claim_job.lease <= interval '0'
        OR claim_job.lease > interval '1 day' THEN
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
    END IF;

    -- First, in one statement: the due head of each queue, and the lease of
    -- the first due jobs at the highest due head's priority, each queue's scan
    -- starting at its head. Written once for all queues and once for named
    -- ones: PostgreSQL sets up every node of a plan on each execution, and a
    -- plan for both would set up the probes of both.
    IF claim_job.queues IS NULL THEN
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
                    LIMIT wanted
                    FOR UPDATE SKIP LOCKED
                ) AS c
                ORDER BY c.run_at, c.id
                LIMIT wanted
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
                FROM (
                    SELECT h.queue, h.priority, h.run_at, h.id
                    FROM xferity.claim_named_queue_heads(claim_job.queues, level) AS h
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
    END IF;
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
