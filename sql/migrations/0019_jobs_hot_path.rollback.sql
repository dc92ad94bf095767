-- 0019 jobs hot path, rollback: puts back the ten CHECK constraints of
-- xferity.jobs (validating every row, under the table's lock), then 0014's
-- enqueue_job and enqueue_jobs and 0018's claim_job, and drops the trigger
-- and its functions.

ALTER TABLE xferity.jobs
    ADD CONSTRAINT jobs_queue_check CHECK (length(queue) >= 1 AND length(queue) <= 128),
    ADD CONSTRAINT jobs_kind_check CHECK (length(kind) >= 1 AND length(kind) <= 256),
    ADD CONSTRAINT jobs_max_attempts_check CHECK (max_attempts >= 1),
    ADD CONSTRAINT jobs_attempt_check CHECK (attempt >= 0 AND attempt <= max_attempts),
    ADD CONSTRAINT jobs_available_attempt_check CHECK (
        state <> 'available' OR attempt < max_attempts
    ),
    ADD CONSTRAINT jobs_locked_check CHECK (
        (attempt = 0) = (locked_by IS NULL)
        AND (attempt = 0) = (locked_at IS NULL)
    ),
    ADD CONSTRAINT jobs_lease_check CHECK (
        (state = 'running') = (lease_expires_at IS NOT NULL)
    ),
    ADD CONSTRAINT jobs_dedupe_key_check CHECK (length(dedupe_key) >= 1),
    ADD CONSTRAINT jobs_finished_check CHECK (
        (state IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL)
    ),
    ADD CONSTRAINT jobs_state_check CHECK (
        state IN ('available', 'running', 'completed', 'failed', 'cancelled')
    );

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

CREATE OR REPLACE FUNCTION xferity.enqueue_jobs(
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


DROP TRIGGER jobs_check_rules ON xferity.jobs;

DROP FUNCTION xferity.jobs_check_rules();

DROP FUNCTION xferity.job_input_violation(text, text, integer, text);
