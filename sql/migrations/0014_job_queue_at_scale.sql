-- 0014 job queue at scale: bounds on the job API, a claim whose cost does not
-- grow with jobs it cannot take, a fused complete-and-claim call and a
-- set-based enqueue. The 0012 protocol is unchanged: same functions, same
-- signatures, same results; only out-of-bounds arguments are now refused.
--
-- Bounds (SQLSTATE 22023 invalid_parameter_value, message names the bound):
--   lease (claim_job, heartbeat_job, complete_and_claim_jobs): > 0 and at most
--       1 day. A longer job heartbeats; a lease of years wedges the job if its
--       worker dies, since the reaper never sees it expire.
--   max_jobs: 1 to 1000 (complete_and_claim_jobs also takes 0: claim nothing).
--   run_at (enqueue_job, enqueue_jobs): finite; +-infinity is refused, since
--       -infinity would put a job first in line forever and +infinity never runs.
--
-- Every function here is worker-callable: its COMMENT starts with the
-- [worker] tag that the role model (0013, where applied) grants by; without
-- 0013 the tag is just text.
--
-- The flat claim. 0012's claim walked one index in claim order, (priority
-- DESC, run_at, id), filtering queue and run_at <= now() row by row: its cost
-- grew with the due jobs of other queues ahead of the worker's own, and with
-- future jobs at a higher priority. claim_job now visits the priority levels
-- that hold available jobs one by one, highest first (a loose index scan:
-- one index probe per level, which also tells whether the level has a due
-- job), and at a level with due jobs reads only the due jobs of the requested
-- queues, in (run_at, id) order, as a bounded range of an index:
--   jobs_claim_queue_idx (queue, priority DESC, run_at, id) for named queues,
--   jobs_claim_idx (priority DESC, run_at, id) of 0012 for all queues (NULL).
-- Trade-offs: (1) a claim costs one probe per priority level above the one
-- it takes from, so thousands of distinct priority values cost thousands of
-- probes (a few distinct levels are the intended use); (2) enqueueing writes
-- one more index; (3) a claim from several named queues locks up to max_jobs
-- rows in each of them at the level it reads, keeps the best max_jobs in claim
-- order and leaves the others to the next claim when it commits (another
-- claimer skips them meanwhile). The claim order is the 0012 one exactly.

-- Built in the migration's transaction, with the claim_job that needs it, so
-- the upgrade is atomic; the build blocks enqueues only while it reads the
-- claimable backlog (the partial index leaves finished jobs out).
-- lint: allow require-concurrent-index-creation reason: atomic with claim_job
--
-- Its predicate is state = 'available' alone, and the named-queue statements
-- of claim_job say no more: jobs_available_attempt_check already guarantees
-- that an available job has an attempt left, and leaving the attempts guard
-- out is what keeps the planner from walking jobs_claim_idx (whose predicate
-- needs it) for a named queue, filtering other queues' rows as it goes.
CREATE INDEX jobs_claim_queue_idx ON xferity.jobs (queue, priority DESC, run_at, id)
WHERE state = 'available';

COMMENT ON INDEX xferity.jobs_claim_queue_idx IS
'claim_job for named queues: claimable rows per queue, in claim order, so that a claim reads only its own queues and only their due jobs.';

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
    picked tid[] := '{}';
    found_here tid[];
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

        -- Lock the first due jobs of this level in (run_at, id) order,
        -- skipping rows other claimers hold. The locks pin these row
        -- versions until commit, so their ctids stay valid for the update.
        IF wanted_queues IS NULL THEN
            SELECT array_agg(r.ctid) INTO found_here
            FROM (
                SELECT j.ctid
                FROM xferity.jobs AS j
                WHERE j.state = 'available' AND j.attempt < j.max_attempts
                    AND j.priority = level
                    AND j.run_at <= now()
                ORDER BY j.run_at, j.id
                LIMIT wanted
                FOR UPDATE SKIP LOCKED
            ) AS r;
        ELSE
            SELECT array_agg(r.ctid ORDER BY r.run_at, r.id) INTO found_here
            FROM (
                SELECT c.ctid, c.run_at, c.id
                FROM unnest(wanted_queues) AS q (name)
                CROSS JOIN LATERAL (
                    SELECT j.ctid, j.run_at, j.id
                    FROM xferity.jobs AS j
                    WHERE j.state = 'available'
                        AND j.queue = q.name
                        AND j.priority = level
                        AND j.run_at <= now()
                    ORDER BY j.run_at, j.id
                    LIMIT wanted
                    FOR UPDATE SKIP LOCKED
                ) AS c
                ORDER BY c.run_at, c.id
                LIMIT wanted
            ) AS r;
        END IF;

        IF found_here IS NOT NULL THEN
            picked := picked || found_here;
            wanted := claim_job.max_jobs - cardinality(picked);
            EXIT WHEN wanted <= 0;
        END IF;
    END LOOP;

    IF cardinality(picked) = 0 THEN
        RETURN;
    END IF;

    RETURN QUERY
    WITH claimed AS (
        UPDATE xferity.jobs AS j
        SET state = 'running',
            attempt = j.attempt + 1,
            locked_by = claim_job.worker_id,
            locked_at = now(),
            lease_expires_at = now() + claim_job.lease
        WHERE j.ctid = ANY (picked)
        RETURNING j.*
    )

    SELECT c.*
    FROM claimed AS c
    ORDER BY c.priority DESC, c.run_at, c.id;
END;
$$;

COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS
'[worker] Leases up to max_jobs (1 to 1000) claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout; at most 1 day: extend longer work with heartbeat_job). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable. Its cost does not depend on other queues, on jobs not yet due or on finished jobs: it probes each priority level that holds available jobs once, then reads only due jobs of the requested queues.';

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
    IF heartbeat_job.lease > interval '1 day' THEN
        RAISE EXCEPTION 'heartbeat_job: lease must be at most 1 day, got %', heartbeat_job.lease
            USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Heartbeat again before the lease runs out.';
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

COMMENT ON FUNCTION xferity.heartbeat_job(bigint, text, interval) IS
'[worker] Extends a live lease to now() + lease (positive, at most 1 day). Returns false when worker_id no longer holds a live lease on the job: the worker should abandon it, since it may already run elsewhere.';

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
    IF NOT isfinite(new_run_at) THEN
        RAISE EXCEPTION 'enqueue_job: run_at must be finite, got %', new_run_at
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
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

COMMENT ON FUNCTION xferity.enqueue_job(text, jsonb, text, timestamptz, integer, integer, text) IS
'[worker] Adds a job and returns its id. NULL arguments take the defaults; run_at must be finite. With a dedupe_key, returns the id of the unfinished (available or running) job holding that key instead of adding a second one; race-safe through the jobs_dedupe_key_idx unique index. Sends NOTIFY xferity_jobs (payload: queue) on commit when run_at <= now(). For many jobs at once, enqueue_jobs.';

-- Set-based enqueue: one INSERT for the whole batch. Ids are drawn from the
-- identity's sequence up front, so each input position knows its job's id
-- whatever order the rows are written in.
CREATE FUNCTION xferity.enqueue_jobs(
    kinds text[],
    payloads jsonb[] DEFAULT NULL,
    queues text[] DEFAULT NULL,
    run_ats timestamptz[] DEFAULT NULL,
    priorities integer[] DEFAULT NULL,
    max_attempts integer[] DEFAULT NULL,
    dedupe_keys text[] DEFAULT NULL
)
RETURNS bigint[]
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    n integer := coalesce(cardinality(enqueue_jobs.kinds), 0);
    id_sequence regclass := pg_get_serial_sequence('xferity.jobs', 'id')::regclass;
    new_ids bigint[];
    key_count integer;
    resolved_keys text[] := '{}';
    resolved_ids bigint[] := '{}';
    ready_queues text[] := '{}';
    ready_queue text;
    result_ids bigint[];
BEGIN
    IF n = 0 THEN
        RETURN '{}';
    END IF;
    IF coalesce(cardinality(enqueue_jobs.payloads), n) <> n
        OR coalesce(cardinality(enqueue_jobs.queues), n) <> n
        OR coalesce(cardinality(enqueue_jobs.run_ats), n) <> n
        OR coalesce(cardinality(enqueue_jobs.priorities), n) <> n
        OR coalesce(cardinality(enqueue_jobs.max_attempts), n) <> n
        OR coalesce(cardinality(enqueue_jobs.dedupe_keys), n) <> n THEN
        RAISE EXCEPTION 'enqueue_jobs: every array given must have as many elements as kinds (%)', n
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF array_position(enqueue_jobs.kinds, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'enqueue_jobs: kinds[%] is NULL; every job needs a kind',
            array_position(enqueue_jobs.kinds, NULL)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM unnest(enqueue_jobs.run_ats) AS r (t) WHERE NOT isfinite(r.t)) THEN
        RAISE EXCEPTION 'enqueue_jobs: every run_at must be finite'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    new_ids := ARRAY(
        SELECT nextval(id_sequence)
        FROM generate_series(1, n)
    );

    -- Jobs without a dedupe key: all of them, in one statement.
    INSERT INTO xferity.jobs (
        id, queue, kind, payload, run_at, priority, max_attempts, dedupe_key
    )
    OVERRIDING SYSTEM VALUE
    SELECT
        u.id,
        coalesce(u.queue, 'default'),
        u.kind,
        coalesce(u.payload, '{}'),
        coalesce(u.run_at, now()),
        coalesce(u.priority, 0),
        coalesce(u.max_attempts, 3),
        NULL
    FROM unnest(
        new_ids,
        enqueue_jobs.kinds,
        enqueue_jobs.payloads,
        enqueue_jobs.queues,
        enqueue_jobs.run_ats,
        enqueue_jobs.priorities,
        enqueue_jobs.max_attempts,
        enqueue_jobs.dedupe_keys
    ) AS u (id, kind, payload, queue, run_at, priority, max_attempts, dedupe_key)
    WHERE u.dedupe_key IS NULL;

    SELECT coalesce(array_agg(DISTINCT coalesce(u.queue, 'default')), '{}') INTO ready_queues
    FROM unnest(
        enqueue_jobs.kinds, enqueue_jobs.queues, enqueue_jobs.run_ats, enqueue_jobs.dedupe_keys
    ) AS u (kind, queue, run_at, dedupe_key)
    WHERE u.dedupe_key IS NULL AND coalesce(u.run_at, now()) <= now();

    SELECT count(DISTINCT k) INTO key_count FROM unnest(enqueue_jobs.dedupe_keys) AS k;

    -- Jobs with a dedupe key, as enqueue_job does it for one: the first
    -- occurrence of each key in the call is inserted unless an unfinished job
    -- holds the key; later occurrences get the same id. A key inserted by a
    -- concurrent transaction meanwhile is picked up by the next round.
    WHILE cardinality(resolved_keys) < key_count LOOP
        WITH pending AS MATERIALIZED (
            SELECT DISTINCT ON (u.dedupe_key) u.*
            FROM unnest(
                new_ids,
                enqueue_jobs.kinds,
                enqueue_jobs.payloads,
                enqueue_jobs.queues,
                enqueue_jobs.run_ats,
                enqueue_jobs.priorities,
                enqueue_jobs.max_attempts,
                enqueue_jobs.dedupe_keys
            ) WITH ORDINALITY AS u (
                id, kind, payload, queue, run_at, priority, max_attempts, dedupe_key, ord
            )
            WHERE u.dedupe_key IS NOT NULL
                AND NOT EXISTS (
                    SELECT FROM unnest(resolved_keys) AS r (k) WHERE r.k = u.dedupe_key
                )
            ORDER BY u.dedupe_key, u.ord
        ),

        existing AS MATERIALIZED (
            SELECT p.dedupe_key, j.id
            FROM pending AS p
            INNER JOIN xferity.jobs AS j
                ON j.dedupe_key = p.dedupe_key AND j.state IN ('available', 'running')
        ),

        inserted AS (
            INSERT INTO xferity.jobs (
                id, queue, kind, payload, run_at, priority, max_attempts, dedupe_key
            )
            OVERRIDING SYSTEM VALUE
            SELECT
                p.id,
                coalesce(p.queue, 'default'),
                p.kind,
                coalesce(p.payload, '{}'),
                coalesce(p.run_at, now()),
                coalesce(p.priority, 0),
                coalesce(p.max_attempts, 3),
                p.dedupe_key
            FROM pending AS p
            WHERE NOT EXISTS (SELECT FROM existing AS e WHERE e.dedupe_key = p.dedupe_key)
            ON CONFLICT (dedupe_key)
            WHERE dedupe_key IS NOT NULL AND state IN ('available', 'running')
            DO NOTHING
            RETURNING id, dedupe_key, queue, run_at
        ),

        found AS (
            SELECT e.dedupe_key, e.id, NULL::text AS ready_queue
            FROM existing AS e
            UNION ALL
            SELECT i.dedupe_key, i.id, CASE WHEN i.run_at <= now() THEN i.queue END
            FROM inserted AS i
        )

        SELECT
            resolved_keys || coalesce(array_agg(f.dedupe_key), '{}'),
            resolved_ids || coalesce(array_agg(f.id), '{}'),
            ready_queues || coalesce(array_agg(f.ready_queue) FILTER (
                WHERE f.ready_queue IS NOT NULL
            ), '{}')
        INTO resolved_keys, resolved_ids, ready_queues
        FROM found AS f;
    END LOOP;

    SELECT array_agg(coalesce(m.id, u.id) ORDER BY u.ord) INTO result_ids
    FROM unnest(new_ids, enqueue_jobs.dedupe_keys) WITH ORDINALITY AS u (id, dedupe_key, ord)
    LEFT JOIN unnest(resolved_keys, resolved_ids) AS m (dedupe_key, id)
        ON m.dedupe_key = u.dedupe_key;

    FOR ready_queue IN SELECT DISTINCT q FROM unnest(ready_queues) AS q LOOP
        PERFORM pg_notify('xferity_jobs', ready_queue);
    END LOOP;
    RETURN result_ids;
END;
$$;

COMMENT ON FUNCTION xferity.enqueue_jobs(
    text[], jsonb[], text[], timestamptz[], integer[], integer[], text[]
) IS
'[worker] Set-based enqueue_job: job i has kinds[i], payloads[i], queues[i], run_ats[i], priorities[i], max_attempts[i] and dedupe_keys[i]. Each array but kinds may be NULL, and so may its elements: they take enqueue_job''s defaults; arrays given must be as long as kinds, every kind non-NULL and every run_at finite. Returns the job ids in input order. Dedupe as enqueue_job: a key held by an unfinished job returns that job, a key repeated within the call is inserted once and every occurrence gets its id; race-safe. Sends one NOTIFY xferity_jobs per queue that got a job due now, on commit.';

-- The fused call: a worker's finished jobs and its next claim in one call
-- and one commit. It returns columns rather than xferity.jobs rows, so that
-- nothing outside claim_job depends on the table's row type.
CREATE FUNCTION xferity.complete_and_claim_jobs(
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
    -- Every argument is checked before anything changes.
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
    FOR failure IN 1..coalesce(cardinality(complete_and_claim_jobs.failed_ids), 0) LOOP
        IF xferity.fail_job(
            complete_and_claim_jobs.failed_ids[failure],
            complete_and_claim_jobs.worker_id,
            complete_and_claim_jobs.errors[failure],
            coalesce(complete_and_claim_jobs.permanent[failure], false)
        ) = 'lease_lost' THEN
            lost := lost || complete_and_claim_jobs.failed_ids[failure];
        END IF;
    END LOOP;

    RETURN QUERY
    SELECT
        'lease_lost'::text, l.id, NULL::text, NULL::text, NULL::jsonb, NULL::integer,
        NULL::timestamptz, NULL::integer, NULL::integer, NULL::timestamptz
    FROM unnest(lost) AS l (id);

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

COMMENT ON FUNCTION xferity.complete_and_claim_jobs(
    text, bigint[], text[], integer, interval, jsonb[], bigint[], text[], boolean[]
) IS
'[worker] The fused worker call: in one call (and, in autocommit, one commit) completes completed_ids (with results[i] stored as the result of completed_ids[i] when results is given), fails failed_ids (errors[i], permanent[i], with fail_job''s default backoff), then claims up to max_jobs (0 to 1000; 0 claims nothing) from queues as claim_job does, with the same lease (positive, at most 1 day). Returns one row per job: outcome ''lease_lost'' (id only) for each finished job whose lease worker_id no longer held, so nothing changed for it; then outcome ''claimed'' for each job leased, in claim order, with the columns a worker needs. Arguments are checked before anything changes; the plain complete_job(s)/fail_job/claim_job calls stay valid and can be mixed with this one.';

REVOKE EXECUTE ON FUNCTION
xferity.enqueue_jobs(text[], jsonb[], text[], timestamptz[], integer[], integer[], text[]),
xferity.complete_and_claim_jobs(
    text, bigint[], text[], integer, interval, jsonb[], bigint[], text[], boolean[]
)
FROM PUBLIC;
