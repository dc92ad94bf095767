-- 0019 jobs hot path: the rules of xferity.jobs checked once per row written
-- by anyone but the job functions, instead of ten CHECK constraints that
-- PostgreSQL re-reads and re-plans in every INSERT and UPDATE statement; and a
-- claim that leases the top priority level's jobs in its first statement.
--
-- Why. PostgreSQL keeps a table's CHECK constraints as node strings and, in
-- each statement that writes the table, parses and plans every one of them
-- before the first row (ExecRelCheck). For xferity.jobs that was about 35 us
-- of server CPU per statement on the benchmark machine, paid by every claim,
-- complete and fused call: more than a one-row UPDATE without them costs
-- (scripts/bench_queue_peers.mjs, docs/development.md, "The job queue").
--
-- What replaces them. The same ten rules, under the same names and SQLSTATE
-- (23514 check_violation, the constraint name in the error's CONSTRAINT
-- field), in the row trigger jobs_check_rules. Its WHEN skips only rows
-- written inside a SECURITY DEFINER function, which is how every job function
-- runs: there CURRENT_USER (the function's owner) differs from SESSION_USER,
-- and no SET ROLE is in effect. Every other writer is checked: the
-- application's own DML, a psql session (the owner's and a superuser's
-- included), anyone under SET ROLE (a migration run by the migrator role, for
-- one). The job functions check what callers give them (queue, kind,
-- max_attempts and dedupe_key through job_input_violation; run_at, leases and
-- max_jobs as before), and the state rules they keep are proved by the
-- contract tests: a worker role runs a random mix of all of them, and all ten
-- rules are asserted over every row left behind. A job function called from
-- a session logged in as its owner, or under SET ROLE, is checked too: slower,
-- never less safe.
--
-- claim_job: same signature, arguments, bounds, results and claim order as
-- 0018. Its first statement finds the top priority level holding available
-- jobs (an InitPlan on the same claim index) and leases that level's first due
-- jobs, so that a claim served by one level runs one statement instead of two.
-- A short claim (nothing due at that level, or its due jobs held by other
-- claimers) walks the levels as 0018 did, from the top.

CREATE FUNCTION xferity.job_input_violation(
    queue text,
    kind text,
    max_attempts integer,
    dedupe_key text
)
RETURNS text
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
SELECT CASE
    WHEN NOT pg_catalog.length(queue) BETWEEN 1 AND 128 THEN 'jobs_queue_check'
    WHEN NOT pg_catalog.length(kind) BETWEEN 1 AND 256 THEN 'jobs_kind_check'
    WHEN NOT max_attempts >= 1 THEN 'jobs_max_attempts_check'
    WHEN NOT pg_catalog.length(dedupe_key) >= 1 THEN 'jobs_dedupe_key_check'
END
$$;

COMMENT ON FUNCTION xferity.job_input_violation(text, text, integer, text) IS
'[worker] The rule of xferity.jobs that a job with these caller-given fields would break (jobs_queue_check: queue of 1 to 128 characters; jobs_kind_check: kind of 1 to 256; jobs_max_attempts_check: at least 1; jobs_dedupe_key_check: a dedupe_key is not empty), or NULL when none. NULL fields break none (the NOT NULL columns refuse them on their own). Used by enqueue_job, enqueue_jobs and the jobs_check_rules trigger.';

CREATE FUNCTION xferity.jobs_check_rules()
RETURNS trigger
LANGUAGE plpgsql
-- As the owner, so that a writer needs no EXECUTE on job_input_violation.
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
DECLARE
    broken_rule text;
BEGIN
    -- A NULL rule passes, as in a CHECK constraint.
    broken_rule := coalesce(
        xferity.job_input_violation(NEW.queue, NEW.kind, NEW.max_attempts, NEW.dedupe_key),
        CASE
            WHEN NOT (NEW.attempt >= 0 AND NEW.attempt <= NEW.max_attempts)
                THEN 'jobs_attempt_check'
            WHEN NOT NEW.state IN ('available', 'running', 'completed', 'failed', 'cancelled')
                THEN 'jobs_state_check'
            WHEN NOT (NEW.state <> 'available' OR NEW.attempt < NEW.max_attempts)
                THEN 'jobs_available_attempt_check'
            WHEN NOT ((NEW.attempt = 0) = (NEW.locked_by IS NULL)
                AND (NEW.attempt = 0) = (NEW.locked_at IS NULL))
                THEN 'jobs_locked_check'
            WHEN NOT ((NEW.state = 'running') = (NEW.lease_expires_at IS NOT NULL))
                THEN 'jobs_lease_check'
            WHEN NOT ((NEW.state IN ('completed', 'failed', 'cancelled'))
                = (NEW.finished_at IS NOT NULL))
                THEN 'jobs_finished_check'
        END
    );
    IF broken_rule IS NOT NULL THEN
        RAISE EXCEPTION 'new row for relation "jobs" violates check constraint "%"', broken_rule
            USING ERRCODE = 'check_violation', SCHEMA = 'xferity', TABLE = 'jobs',
            CONSTRAINT = broken_rule,
            DETAIL = format('Failing row has id %s, state %s.', NEW.id, NEW.state);
    END IF;
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION xferity.jobs_check_rules() IS
'[admin] Trigger function of jobs_check_rules: raises check_violation, naming the rule, for a row of xferity.jobs that breaks one of the rules its CHECK constraints held until 0019.';

-- AFTER, not BEFORE: a BEFORE UPDATE row trigger makes PostgreSQL lock and
-- re-read each row before testing WHEN, which the job functions would pay.
CREATE TRIGGER jobs_check_rules
AFTER INSERT OR UPDATE ON xferity.jobs
FOR EACH ROW
WHEN (current_user = session_user OR current_setting('role') <> 'none')
EXECUTE FUNCTION xferity.jobs_check_rules();

COMMENT ON TRIGGER jobs_check_rules ON xferity.jobs IS
'The ten rules of xferity.jobs (jobs_queue_check, jobs_kind_check, jobs_max_attempts_check, jobs_dedupe_key_check, jobs_attempt_check, jobs_state_check, jobs_available_attempt_check, jobs_locked_check, jobs_lease_check, jobs_finished_check), checked for every row written outside a SECURITY DEFINER function (the job functions are ones; they check their callers'' input themselves and keep the state rules, which the contract tests assert over everything they write). Under SET ROLE every row is checked.';

ALTER TABLE xferity.jobs
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_queue_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_kind_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_max_attempts_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_attempt_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_available_attempt_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_locked_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_lease_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_dedupe_key_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_state_check,
    -- lint: allow ban-drop-constraint reason: the rule moves to jobs_check_rules
    DROP CONSTRAINT jobs_finished_check;

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
    broken_rule text;
BEGIN
    IF NOT isfinite(new_run_at) THEN
        RAISE EXCEPTION 'enqueue_job: run_at must be finite, got %', new_run_at
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    broken_rule := xferity.job_input_violation(
        new_queue, enqueue_job.kind, coalesce(enqueue_job.max_attempts, 3), enqueue_job.dedupe_key
    );
    IF broken_rule IS NOT NULL THEN
        RAISE EXCEPTION 'new row for relation "jobs" violates check constraint "%"', broken_rule
            USING ERRCODE = 'check_violation', SCHEMA = 'xferity', TABLE = 'jobs',
            CONSTRAINT = broken_rule;
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

    -- First, in one statement: the top priority level holding available jobs
    -- (an InitPlan), and the lease of its first due jobs. A short claim (the
    -- level's first job not due, its due jobs used up or held by other
    -- claimers) falls through to the walk below, which starts at the top again.
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
                    AND r.priority = (
                        SELECT t.priority
                        FROM xferity.jobs AS t
                        WHERE t.state = 'available' AND t.attempt < t.max_attempts
                        ORDER BY t.priority DESC, t.run_at
                        LIMIT 1
                    )
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
    END IF;
    GET DIAGNOSTICS claimed_here = ROW_COUNT;
    wanted := wanted - claimed_here;

    -- The walk of 0014/0018 over the priority levels, for what is still wanted.
    WHILE wanted > 0 LOOP
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
    END LOOP;
END;
$$;
