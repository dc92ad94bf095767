-- Rollback of 0023: restores 0019's enqueue_jobs, which counts the position
-- of a job that breaks a rule from the call's first id.

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
    broken_position bigint;
    broken_rule text;
    infinite_run_at boolean;
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
    -- No dedupe key in the call (the bulk case): one INSERT. Its identity
    -- values are drawn in input order, so the sorted ids are the input order
    -- and a job's position is its id's distance from the first. The rules are
    -- checked on the rows inserted, in the same pass; a broken one raises, and
    -- the whole statement's rows go with the error.
    IF coalesce(cardinality(array_remove(enqueue_jobs.dedupe_keys, NULL)), 0) = 0 THEN
        WITH inserted AS (
            INSERT INTO xferity.jobs (queue, kind, payload, run_at, priority, max_attempts)
            SELECT
                coalesce(u.queue, 'default'),
                u.kind,
                coalesce(u.payload, '{}'),
                coalesce(u.run_at, now()),
                coalesce(u.priority, 0),
                coalesce(u.max_attempts, 3)
            FROM (
                -- Set-returning calls side by side run in step, shorter
                -- (NULL) arrays padded with NULLs: no row store, unlike
                -- unnest(a, b, ...) in FROM.
                SELECT
                    unnest(enqueue_jobs.kinds) AS kind,
                    unnest(enqueue_jobs.payloads) AS payload,
                    unnest(enqueue_jobs.queues) AS queue,
                    unnest(enqueue_jobs.run_ats) AS run_at,
                    unnest(enqueue_jobs.priorities) AS priority,
                    unnest(enqueue_jobs.max_attempts) AS max_attempts
            ) AS u
            RETURNING
                id,
                queue,
                run_at,
                xferity.job_input_violation(queue, kind, max_attempts, NULL) AS rule
        )

        SELECT
            array_agg(i.id ORDER BY i.id),
            -- Without queues every job is in 'default': no DISTINCT over them.
            CASE
                WHEN enqueue_jobs.queues IS NULL THEN
                    CASE WHEN bool_or(i.run_at <= now()) THEN ARRAY['default'] ELSE '{}' END
                ELSE coalesce(array_agg(DISTINCT i.queue) FILTER (
                    WHERE i.run_at <= now() AND enqueue_jobs.queues IS NOT NULL
                ), '{}')
            END,
            bool_or(NOT isfinite(i.run_at)),
            min(i.id) FILTER (WHERE i.rule IS NOT NULL) - min(i.id) + 1,
            (array_agg(i.rule ORDER BY i.id) FILTER (WHERE i.rule IS NOT NULL))[1]
        INTO result_ids, ready_queues, infinite_run_at, broken_position, broken_rule
        FROM inserted AS i;

        IF infinite_run_at THEN
            RAISE EXCEPTION 'enqueue_jobs: every run_at must be finite'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF broken_rule IS NOT NULL THEN
            RAISE EXCEPTION 'enqueue_jobs: job % of the call violates check constraint "%" of relation "jobs"',
                broken_position, broken_rule
                USING ERRCODE = 'check_violation', SCHEMA = 'xferity', TABLE = 'jobs',
                CONSTRAINT = broken_rule;
        END IF;
        FOR ready_queue IN SELECT q FROM unnest(ready_queues) AS q LOOP
            PERFORM pg_notify('xferity_jobs', ready_queue);
        END LOOP;
        RETURN result_ids;
    END IF;

    IF EXISTS (SELECT FROM unnest(enqueue_jobs.run_ats) AS r (t) WHERE NOT isfinite(r.t)) THEN
        RAISE EXCEPTION 'enqueue_jobs: every run_at must be finite'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT u.ord, u.rule INTO broken_position, broken_rule
    FROM (
        SELECT
            v.ord,
            xferity.job_input_violation(
                coalesce(v.queue, 'default'), v.kind, coalesce(v.max_attempts, 3), v.dedupe_key
            ) AS rule
        FROM unnest(
            enqueue_jobs.kinds, enqueue_jobs.queues, enqueue_jobs.max_attempts,
            enqueue_jobs.dedupe_keys
        ) WITH ORDINALITY AS v (kind, queue, max_attempts, dedupe_key, ord)
    ) AS u
    WHERE u.rule IS NOT NULL
    ORDER BY u.ord
    LIMIT 1;
    IF broken_rule IS NOT NULL THEN
        RAISE EXCEPTION 'enqueue_jobs: job % of the call violates check constraint "%" of relation "jobs"',
            broken_position, broken_rule
            USING ERRCODE = 'check_violation', SCHEMA = 'xferity', TABLE = 'jobs',
            CONSTRAINT = broken_rule;
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
