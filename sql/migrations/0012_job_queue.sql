-- 0012 job queue: the durable queue that Xferity's workers share, and its SQL API.
--
-- Workers on many hosts, written in any language, work the queue through the
-- functions below alone; a shell script with psql is a complete client.
--
-- Lifecycle of a job (xferity.jobs.state):
--
--     available --claim_job--> running --complete_job(s)--> completed
--                                 |
--                                 +--fail_job / reap_expired_jobs--> available (retry)
--                                 +--fail_job / reap_expired_jobs--> failed (final)
--
-- A claim is a lease: the worker owns the job until lease_expires_at, extends it
-- with heartbeat_job, and only the holder of a live lease can complete or fail
-- it. reap_expired_jobs returns the jobs of dead or overrunning workers.
--
-- NOTIFY channel 'xferity_jobs', payload = the queue name, is sent (on commit)
-- whenever a job becomes claimable now. It is a latency hint only: workers must
-- still poll, because notifications are lost while nobody listens and do not
-- pass through PgBouncer in transaction mode.
--
-- Defaults follow Xferity's worker settings: max_attempts 3,
-- retry_backoff_base 5s, retry_backoff_cap 60s, job_execution_timeout 300s.
--
-- The functions are SECURITY DEFINER with a pinned search_path, so that a
-- worker role can hold EXECUTE on them and nothing else (the worker role of
-- `xferity-schema grants`); EXECUTE is revoked from PUBLIC here for the same
-- reason.
-- Call them in autocommit (or short READ COMMITTED transactions): now() is the
-- transaction's start time, and every lease check compares against it.

CREATE TABLE xferity.jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue text NOT NULL DEFAULT 'default',
    kind text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    state text NOT NULL DEFAULT 'available',
    priority integer NOT NULL DEFAULT 0,
    run_at timestamptz NOT NULL DEFAULT now(),
    attempt integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 3,
    locked_by text,
    locked_at timestamptz,
    lease_expires_at timestamptz,
    dedupe_key text,
    result jsonb,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT jobs_queue_check CHECK (length(queue) BETWEEN 1 AND 128),
    CONSTRAINT jobs_kind_check CHECK (length(kind) BETWEEN 1 AND 256),
    CONSTRAINT jobs_state_check CHECK (
        state IN ('available', 'running', 'completed', 'failed')
    ),
    CONSTRAINT jobs_max_attempts_check CHECK (max_attempts >= 1),
    CONSTRAINT jobs_attempt_check CHECK (attempt BETWEEN 0 AND max_attempts),
    -- An available job always has an attempt left, so the claim's
    -- "attempts left" guard never hides a job from every worker forever.
    CONSTRAINT jobs_available_attempt_check CHECK (
        state <> 'available' OR attempt < max_attempts
    ),
    CONSTRAINT jobs_locked_check CHECK (
        (attempt = 0) = (locked_by IS NULL)
        AND (attempt = 0) = (locked_at IS NULL)
    ),
    CONSTRAINT jobs_lease_check CHECK (
        (state = 'running') = (lease_expires_at IS NOT NULL)
    ),
    CONSTRAINT jobs_finished_check CHECK (
        (state IN ('completed', 'failed')) = (finished_at IS NOT NULL)
    ),
    CONSTRAINT jobs_dedupe_key_check CHECK (length(dedupe_key) >= 1)
)
WITH (
    -- Every job is inserted once and updated two or more times, and finished
    -- rows accumulate: vacuum must follow the churn, not the table's size.
    -- Default scale factors (20% of a table of a million finished jobs) would
    -- let dead tuples pile up in the claim index between vacuums.
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02,
    -- Let autovacuum of this hot table work ten times faster than the default
    -- throttle, so one pass finishes before the next burst of dead tuples.
    autovacuum_vacuum_cost_limit = 2000,
    -- Free space on each page keeps a job's new row versions on its own page;
    -- heartbeat_job changes only lease_expires_at, which no index covers, so
    -- those updates are HOT and add no index entries at all.
    fillfactor = 80
);

COMMENT ON TABLE xferity.jobs IS
'Durable job queue shared by Xferity workers. Work it only through the job functions (enqueue_job, claim_job, heartbeat_job, complete_job(s), fail_job, reap_expired_jobs). States: available -> running -> completed, or back to available for a retry, or failed when attempts are used up or the error is permanent.';
COMMENT ON COLUMN xferity.jobs.id IS 'Surrogate key; the id workers pass to the job functions.';
COMMENT ON COLUMN xferity.jobs.queue IS
'Queue name (1-128 characters); workers may claim from a subset of queues. Also the payload of the xferity_jobs NOTIFY.';
COMMENT ON COLUMN xferity.jobs.kind IS
'What the job does, e.g. flow_run or posture_snapshot; workers dispatch on it.';
COMMENT ON COLUMN xferity.jobs.payload IS 'Arguments of the job, interpreted by the handler of its kind.';
COMMENT ON COLUMN xferity.jobs.state IS
'available (waiting for run_at or a worker), running (leased to locked_by), completed, or failed (final).';
COMMENT ON COLUMN xferity.jobs.priority IS 'Higher runs first among due jobs; default 0.';
COMMENT ON COLUMN xferity.jobs.run_at IS
'Earliest time the job may be claimed. A retry moves it to the backoff time; among jobs of equal priority the earliest run_at is claimed first.';
COMMENT ON COLUMN xferity.jobs.attempt IS
'Number of times the job has been claimed; claim_job adds one. The running attempt is this number.';
COMMENT ON COLUMN xferity.jobs.max_attempts IS
'Claims allowed before the job fails for good (Xferity worker.max_attempts, default 3).';
COMMENT ON COLUMN xferity.jobs.locked_by IS
'worker_id that holds the lease while running, or that ran the latest attempt; NULL until the first claim.';
COMMENT ON COLUMN xferity.jobs.locked_at IS 'When the latest attempt was claimed; NULL until the first claim.';
COMMENT ON COLUMN xferity.jobs.lease_expires_at IS
'While running: the end of the lease. Past it, the holder can no longer complete, fail or heartbeat the job and reap_expired_jobs hands it back. NULL in every other state.';
COMMENT ON COLUMN xferity.jobs.dedupe_key IS
'Optional caller key: while a job with this key is unfinished (available or running), enqueue_job with the same key returns that job instead of adding another.';
COMMENT ON COLUMN xferity.jobs.result IS 'Result document stored by complete_job; NULL if none was given.';
COMMENT ON COLUMN xferity.jobs.last_error IS
'Error of the latest failed attempt (all of them are in xferity.job_errors).';
COMMENT ON COLUMN xferity.jobs.created_at IS 'When the job was enqueued.';
COMMENT ON COLUMN xferity.jobs.finished_at IS
'When the job reached completed or failed; NULL while unfinished.';

-- The claim's index. Its predicate is the claim's WHERE clause spelled the
-- same way, so finished, failed and running rows are not in it at all: the
-- index stays as small as the backlog however many finished jobs are kept.
-- Keys follow the claim's ORDER BY. The queue filter and run_at <= now() are
-- checked while walking it (one ordered index serves any set of queues).
CREATE INDEX jobs_claim_idx ON xferity.jobs (priority DESC, run_at, id)
WHERE state = 'available' AND attempt < max_attempts;

COMMENT ON INDEX xferity.jobs_claim_idx IS
'Hot path of claim_job: only claimable rows, in claim order.';

-- Running jobs: what reap_expired_jobs scans and live_workers counts. Keyed on
-- locked_by, not on lease_expires_at, so that heartbeats stay HOT updates; the
-- running set is bounded by the workers' concurrency, so scanning it is cheap.
CREATE INDEX jobs_running_idx ON xferity.jobs (locked_by)
WHERE state = 'running';

COMMENT ON INDEX xferity.jobs_running_idx IS
'Running jobs by lease holder, for reap_expired_jobs and live_workers.';

-- At most one unfinished job per dedupe key; enqueue_job's ON CONFLICT
-- names this predicate to infer it.
CREATE UNIQUE INDEX jobs_dedupe_key_idx ON xferity.jobs (dedupe_key)
WHERE dedupe_key IS NOT NULL AND state IN ('available', 'running');

COMMENT ON INDEX xferity.jobs_dedupe_key_idx IS
'One unfinished job per dedupe key; finished jobs release the key.';

-- Finished jobs by age, for prune_finished_jobs.
CREATE INDEX jobs_finished_idx ON xferity.jobs (finished_at)
WHERE state IN ('completed', 'failed');

COMMENT ON INDEX xferity.jobs_finished_idx IS
'Finished jobs by finished_at, for retention (prune_finished_jobs).';

CREATE TABLE xferity.job_errors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id bigint NOT NULL REFERENCES xferity.jobs (id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    worker_id text NOT NULL,
    reason text NOT NULL,
    message text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now(),
    retry_at timestamptz,
    CONSTRAINT job_errors_attempt_check CHECK (attempt >= 1),
    CONSTRAINT job_errors_reason_check CHECK (
        reason IN ('error', 'permanent', 'lease_expired')
    ),
    CONSTRAINT job_errors_retry_check CHECK (retry_at IS NULL OR retry_at >= failed_at)
);

-- One error per attempt; the index also serves the foreign key.
CREATE UNIQUE INDEX job_errors_job_id_attempt_idx ON xferity.job_errors (job_id, attempt);

COMMENT ON TABLE xferity.job_errors IS
'One row per failed attempt of a job: raised by the worker (fail_job) or a lease that expired (reap_expired_jobs). Deleted with its job.';
COMMENT ON COLUMN xferity.job_errors.id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.job_errors.job_id IS 'The job whose attempt failed.';
COMMENT ON COLUMN xferity.job_errors.attempt IS 'Which attempt failed (xferity.jobs.attempt at the time).';
COMMENT ON COLUMN xferity.job_errors.worker_id IS 'Worker that held the lease of the failed attempt.';
COMMENT ON COLUMN xferity.job_errors.reason IS
'error (transient, reported by fail_job), permanent (fail_job with permanent => true), or lease_expired (the worker died or overran its lease).';
COMMENT ON COLUMN xferity.job_errors.message IS 'Error text reported by the worker, or written by the reaper.';
COMMENT ON COLUMN xferity.job_errors.failed_at IS 'When the failure was recorded.';
COMMENT ON COLUMN xferity.job_errors.retry_at IS
'When the job became claimable again (its new run_at); NULL when this failure was final.';

CREATE TABLE xferity.workers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id text NOT NULL UNIQUE,
    hostname text NOT NULL,
    info jsonb NOT NULL DEFAULT '{}',
    registered_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT workers_worker_id_check CHECK (length(worker_id) BETWEEN 1 AND 256)
)
WITH (
    -- Each worker rewrites its row every poll; the spare room keeps those
    -- updates HOT (last_seen_at is not indexed) on this tiny table.
    fillfactor = 50
);

COMMENT ON TABLE xferity.workers IS
'Registry of worker processes: register_worker at start-up, worker_heartbeat every poll. Liveness is read through xferity.live_workers.';
COMMENT ON COLUMN xferity.workers.id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.workers.worker_id IS
'Identifier the worker chose, unique among workers (e.g. hostname:pid:random); the same text it passes as worker_id to the job functions.';
COMMENT ON COLUMN xferity.workers.hostname IS 'Host the worker runs on.';
COMMENT ON COLUMN xferity.workers.info IS
'Free-form facts the worker reports: version, queues, max_concurrent_jobs, pid.';
COMMENT ON COLUMN xferity.workers.registered_at IS 'When the worker (re-)registered.';
COMMENT ON COLUMN xferity.workers.last_seen_at IS 'Latest register_worker or worker_heartbeat call.';

CREATE FUNCTION xferity.enqueue_job(
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
'Adds a job and returns its id. NULL arguments take the defaults. With a dedupe_key, returns the id of the unfinished (available or running) job holding that key instead of adding a second one; race-safe through the jobs_dedupe_key_idx unique index. Sends NOTIFY xferity_jobs (payload: queue) on commit when run_at <= now().';

-- The claim runs with a generic plan: its only sensible plan is the ordered
-- walk of jobs_claim_idx whatever the arguments, and re-planning it on every
-- call (what plan_cache_mode = auto does here, because a LIMIT parameter
-- looks expensive in a generic plan) costs about 40% of the call.
CREATE FUNCTION xferity.claim_job(
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
BEGIN
    IF coalesce(claim_job.worker_id, '') = '' THEN
        RAISE EXCEPTION 'claim_job: worker_id must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.max_jobs IS NULL OR claim_job.max_jobs < 1 THEN
        RAISE EXCEPTION 'claim_job: max_jobs must be at least 1, got %', claim_job.max_jobs
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF claim_job.lease IS NULL OR claim_job.lease <= interval '0' THEN
        RAISE EXCEPTION 'claim_job: lease must be positive, got %', claim_job.lease
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Lock the first claimable rows in claim order, skipping rows other
    -- claimers hold, then lease them. The WHERE clause repeats the predicate
    -- of jobs_claim_idx verbatim.
    RETURN QUERY
    WITH ready AS MATERIALIZED (
        SELECT j.id
        FROM xferity.jobs AS j
        WHERE j.state = 'available' AND j.attempt < j.max_attempts
            AND j.run_at <= now()
            AND (claim_job.queues IS NULL OR j.queue = ANY (claim_job.queues))
        ORDER BY j.priority DESC, j.run_at, j.id
        LIMIT claim_job.max_jobs
        FOR UPDATE SKIP LOCKED
    ),

    claimed AS (
        UPDATE xferity.jobs AS j
        SET state = 'running',
            attempt = j.attempt + 1,
            locked_by = claim_job.worker_id,
            locked_at = now(),
            lease_expires_at = now() + claim_job.lease
        WHERE j.id = ANY (ARRAY(SELECT r.id FROM ready AS r))
        RETURNING j.*
    )

    SELECT c.*
    FROM claimed AS c
    ORDER BY c.priority DESC, c.run_at, c.id;
END;
$$;

COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS
'Leases up to max_jobs claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable.';

CREATE FUNCTION xferity.complete_job(
    job_id bigint,
    worker_id text,
    result jsonb DEFAULT NULL
)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    UPDATE xferity.jobs AS j
    SET state = 'completed',
        result = complete_job.result,
        lease_expires_at = NULL,
        finished_at = now()
    WHERE j.id = complete_job.job_id
        AND j.state = 'running'
        AND j.locked_by = complete_job.worker_id
        AND j.lease_expires_at > now();
    RETURN FOUND;
END;
$$;

COMMENT ON FUNCTION xferity.complete_job(bigint, text, jsonb) IS
'Marks a job completed and stores its result. Only the holder of a live lease can: returns false, changing nothing, when worker_id does not hold the job or its lease has expired (the job may be running elsewhere).';

CREATE FUNCTION xferity.complete_jobs(job_ids bigint[], worker_id text)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    completed integer;
BEGIN
    UPDATE xferity.jobs AS j
    SET state = 'completed',
        lease_expires_at = NULL,
        finished_at = now()
    WHERE j.id = ANY (complete_jobs.job_ids)
        AND j.state = 'running'
        AND j.locked_by = complete_jobs.worker_id
        AND j.lease_expires_at > now();
    GET DIAGNOSTICS completed = ROW_COUNT;
    RETURN completed;
END;
$$;

COMMENT ON FUNCTION xferity.complete_jobs(bigint[], text) IS
'Batch form of complete_job (no result documents): completes those of the given jobs on which worker_id holds a live lease and returns how many. A count short of the distinct ids means some leases were lost; those jobs are unchanged.';

CREATE FUNCTION xferity.fail_job(
    job_id bigint,
    worker_id text,
    error text,
    permanent boolean DEFAULT FALSE,
    backoff_base interval DEFAULT '5 seconds',
    backoff_cap interval DEFAULT '60 seconds'
)
RETURNS text
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    is_final boolean := coalesce(fail_job.permanent, false);
    base_s double precision := extract(epoch FROM coalesce(fail_job.backoff_base, '5 seconds'));
    cap_s double precision := extract(epoch FROM coalesce(fail_job.backoff_cap, '60 seconds'));
    new_state text;
    new_run_at timestamptz;
    new_queue text;
BEGIN
    IF base_s < 0 OR cap_s < 0 THEN
        RAISE EXCEPTION 'fail_job: backoff_base and backoff_cap must not be negative'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Backoff after attempt n: delay = least(cap, base * 2^(n-1)); the retry
    -- runs at now() + delay * (1 - 0.1 * random()), i.e. the full delay minus
    -- up to 10% jitter, so it never exceeds the cap and never comes earlier
    -- than 0.9 * delay. Computed in seconds, so large attempts cannot overflow.
    WITH failed AS (
        UPDATE xferity.jobs AS j
        SET state = CASE
                WHEN is_final OR j.attempt >= j.max_attempts THEN 'failed'
                ELSE 'available'
            END,
            run_at = CASE
                WHEN is_final OR j.attempt >= j.max_attempts THEN j.run_at
                ELSE now() + make_interval(
                    secs => least(cap_s, base_s * power(float8 '2', least(j.attempt - 1, 62)))
                    * (1.0 - 0.1 * random())
                )
            END,
            finished_at = CASE
                WHEN is_final OR j.attempt >= j.max_attempts THEN now()
            END,
            lease_expires_at = NULL,
            last_error = fail_job.error
        WHERE j.id = fail_job.job_id
            AND j.state = 'running'
            AND j.locked_by = fail_job.worker_id
            AND j.lease_expires_at > now()
        RETURNING j.id, j.attempt, j.state, j.run_at, j.queue
    ),

    logged AS (
        INSERT INTO xferity.job_errors (
            job_id, attempt, worker_id, reason, message, failed_at, retry_at
        )
        SELECT
            f.id,
            f.attempt,
            fail_job.worker_id,
            CASE WHEN is_final THEN 'permanent' ELSE 'error' END,
            coalesce(fail_job.error, ''),
            now(),
            CASE WHEN f.state = 'available' THEN f.run_at END
        FROM failed AS f
        RETURNING job_id
    )

    SELECT f.state, f.run_at, f.queue INTO new_state, new_run_at, new_queue
    FROM failed AS f;

    IF NOT FOUND THEN
        RETURN 'lease_lost';
    END IF;
    IF new_state = 'available' AND new_run_at <= now() THEN
        PERFORM pg_notify('xferity_jobs', new_queue);
    END IF;
    RETURN new_state;
END;
$$;

COMMENT ON FUNCTION xferity.fail_job(bigint, text, text, boolean, interval, interval) IS
'Records a failed attempt (in xferity.job_errors) and returns the job''s new state: ''available'' when it will be retried, ''failed'' when the failure is final (permanent => true, or attempt >= max_attempts), or ''lease_lost'' when worker_id holds no live lease on the job, in which case nothing changes. A retry after attempt n runs at now() + d * (1 - 0.1 * random()) where d = least(backoff_cap, backoff_base * 2^(n-1)): the full delay minus up to 10% jitter. Defaults: base 5s, cap 60s (Xferity retry_backoff_base and retry_backoff_cap). Sends NOTIFY xferity_jobs only if the retry is due at once (zero backoff).';

CREATE FUNCTION xferity.heartbeat_job(
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
'Extends a live lease to now() + lease. Returns false when worker_id no longer holds a live lease on the job: the worker should abandon it, since it may already run elsewhere.';

CREATE FUNCTION xferity.reap_expired_jobs()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
DECLARE
    reaped_count integer;
    ready_queues text[];
    ready_queue text;
BEGIN
    -- SKIP LOCKED: a job whose holder is completing it right now is left
    -- alone (the next sweep sees its outcome), and concurrent sweeps by
    -- several workers never wait on each other.
    WITH expired AS MATERIALIZED (
        SELECT j.id, j.locked_by, j.lease_expires_at
        FROM xferity.jobs AS j
        WHERE j.state = 'running' AND j.lease_expires_at <= now()
        ORDER BY j.id
        FOR UPDATE SKIP LOCKED
    ),

    reaped AS (
        UPDATE xferity.jobs AS j
        SET state = CASE WHEN j.attempt >= j.max_attempts THEN 'failed' ELSE 'available' END,
            finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() END,
            lease_expires_at = NULL,
            last_error = format(
                'lease expired: worker %s did not finish attempt %s by %s',
                e.locked_by, j.attempt, e.lease_expires_at
            )
        FROM expired AS e
        WHERE j.id = e.id
        RETURNING j.id, j.attempt, j.state, j.queue, j.locked_by, j.last_error
    ),

    logged AS (
        INSERT INTO xferity.job_errors (
            job_id, attempt, worker_id, reason, message, failed_at, retry_at
        )
        SELECT
            r.id,
            r.attempt,
            r.locked_by,
            'lease_expired',
            r.last_error,
            now(),
            CASE WHEN r.state = 'available' THEN now() END
        FROM reaped AS r
        RETURNING job_id
    )

    SELECT
        count(*),
        array_agg(DISTINCT r.queue) FILTER (WHERE r.state = 'available')
    INTO reaped_count, ready_queues
    FROM reaped AS r;

    FOREACH ready_queue IN ARRAY coalesce(ready_queues, '{}') LOOP
        PERFORM pg_notify('xferity_jobs', ready_queue);
    END LOOP;
    RETURN reaped_count;
END;
$$;

COMMENT ON FUNCTION xferity.reap_expired_jobs() IS
'Hands back the jobs whose lease expired (worker died, lost its connection, or overran job_execution_timeout without heartbeat_job): each becomes available again at once, keeping its place in claim order, or failed when its attempts are used up. Records a lease_expired row in xferity.job_errors for every lost attempt, sends NOTIFY xferity_jobs per queue with jobs back, and returns how many jobs it reaped. Safe to call from every worker on every poll: it is cheap and never waits.';

CREATE FUNCTION xferity.register_worker(
    worker_id text,
    hostname text,
    info jsonb DEFAULT '{}'
)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    INSERT INTO xferity.workers (worker_id, hostname, info)
    VALUES (
        register_worker.worker_id,
        register_worker.hostname,
        coalesce(register_worker.info, '{}')
    )
    ON CONFLICT (worker_id) DO UPDATE
    SET hostname = excluded.hostname,
        info = excluded.info,
        registered_at = now(),
        last_seen_at = now();
END;
$$;

COMMENT ON FUNCTION xferity.register_worker(text, text, jsonb) IS
'Registers (or re-registers) a worker process at start-up: its worker_id, host and free-form info. Marks it seen now.';

CREATE FUNCTION xferity.worker_heartbeat(worker_id text)
RETURNS boolean
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    UPDATE xferity.workers AS w
    SET last_seen_at = now()
    WHERE w.worker_id = worker_heartbeat.worker_id;
    RETURN FOUND;
END;
$$;

COMMENT ON FUNCTION xferity.worker_heartbeat(text) IS
'Marks a registered worker seen now; call it every poll (at least every 10 seconds). Returns false when the worker is not registered: call register_worker again.';

CREATE FUNCTION xferity.prune_finished_jobs(
    older_than interval DEFAULT '7 days',
    max_rows integer DEFAULT 10000
)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
DECLARE
    pruned integer;
BEGIN
    DELETE FROM xferity.jobs AS j
    WHERE j.id IN (
        SELECT f.id
        FROM xferity.jobs AS f
        WHERE f.state IN ('completed', 'failed')
            AND f.finished_at < now() - prune_finished_jobs.older_than
        ORDER BY f.finished_at
        LIMIT prune_finished_jobs.max_rows
        FOR UPDATE SKIP LOCKED
    );
    GET DIAGNOSTICS pruned = ROW_COUNT;
    RETURN pruned;
END;
$$;

COMMENT ON FUNCTION xferity.prune_finished_jobs(interval, integer) IS
'Retention: deletes up to max_rows completed or failed jobs (and their errors) that finished more than older_than ago, oldest first, and returns how many. Call it repeatedly until it returns less than max_rows.';

CREATE VIEW xferity.live_workers AS
SELECT
    w.worker_id,
    w.hostname,
    w.info,
    w.registered_at,
    w.last_seen_at,
    (
        SELECT count(*)
        FROM xferity.jobs AS j
        WHERE j.state = 'running' AND j.locked_by = w.worker_id
    ) AS running_jobs
FROM xferity.workers AS w
WHERE w.last_seen_at > now() - interval '30 seconds';

COMMENT ON VIEW xferity.live_workers IS
'Workers seen in the last 30 seconds (six Xferity poll intervals of 5s), with the number of jobs each holds. A worker missing here is dead or cut off from the database.';
COMMENT ON COLUMN xferity.live_workers.worker_id IS 'The worker''s chosen identifier.';
COMMENT ON COLUMN xferity.live_workers.hostname IS 'Host the worker runs on.';
COMMENT ON COLUMN xferity.live_workers.info IS 'Facts the worker reported at registration.';
COMMENT ON COLUMN xferity.live_workers.registered_at IS 'When the worker (re-)registered.';
COMMENT ON COLUMN xferity.live_workers.last_seen_at IS 'Its latest heartbeat.';
COMMENT ON COLUMN xferity.live_workers.running_jobs IS 'Jobs it holds a lease on now.';

CREATE VIEW xferity.queue_depth AS
SELECT
    j.queue,
    j.state,
    count(*) AS jobs,
    count(*) FILTER (WHERE j.run_at <= now()) AS due_jobs,
    CASE
        WHEN j.state IN ('available', 'running')
            THEN now() - min(j.run_at) FILTER (WHERE j.run_at <= now())
    END AS oldest_due_age
FROM xferity.jobs AS j
GROUP BY j.queue, j.state;

COMMENT ON VIEW xferity.queue_depth IS
'Jobs per queue and state, for metrics and /health. A growing available count or oldest_due_age means the workers do not keep up. It reads the whole table, finished jobs included: poll it every 15 seconds or less often, and keep the history short with prune_finished_jobs.';
COMMENT ON COLUMN xferity.queue_depth.queue IS 'Queue name.';
COMMENT ON COLUMN xferity.queue_depth.state IS 'Job state.';
COMMENT ON COLUMN xferity.queue_depth.jobs IS 'Jobs in this queue and state.';
COMMENT ON COLUMN xferity.queue_depth.due_jobs IS
'Of those, jobs whose run_at has passed (for available: claimable now).';
COMMENT ON COLUMN xferity.queue_depth.oldest_due_age IS
'For available and running jobs: now() minus the earliest run_at that has passed, i.e. how long the oldest due job has been waiting or in work. NULL for finished states or when nothing is due.';

REVOKE EXECUTE ON FUNCTION
xferity.enqueue_job(text, jsonb, text, timestamptz, integer, integer, text),
xferity.claim_job(text, text[], integer, interval),
xferity.complete_job(bigint, text, jsonb),
xferity.complete_jobs(bigint[], text),
xferity.fail_job(bigint, text, text, boolean, interval, interval),
xferity.heartbeat_job(bigint, text, interval),
xferity.reap_expired_jobs(),
xferity.register_worker(text, text, jsonb),
xferity.worker_heartbeat(text),
xferity.prune_finished_jobs(interval, integer)
FROM PUBLIC;
