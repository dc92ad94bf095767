-- 0001 transfer jobs: a well-formed migration that every lint layer accepts.
--
-- It exercises what real migrations do: a table with an identity key, CHECK-constrained text
-- enumerations, a foreign key with its index, a partial index, COMMENT ON everything, a
-- PL/pgSQL trigger function, a SECURITY DEFINER function with a pinned search_path and a view.

CREATE TABLE xferity.partners (
    partner_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    api_key_hash text,
    token_expires_at timestamptz,
    CONSTRAINT partners_name_key UNIQUE (name)
);

COMMENT ON TABLE xferity.partners IS 'Trading partners files are exchanged with.';
COMMENT ON COLUMN xferity.partners.partner_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.partners.name IS 'Partner name, unique.';
COMMENT ON COLUMN xferity.partners.api_key_hash IS
'sha256 of the partner''s API key; the key itself is never stored.';
COMMENT ON COLUMN xferity.partners.token_expires_at IS 'When the partner''s token expires.';

CREATE TABLE xferity.transfer_jobs (
    job_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id bigint NOT NULL REFERENCES xferity.partners (partner_id) ON DELETE CASCADE,
    state text NOT NULL DEFAULT 'queued',
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    attempt integer NOT NULL DEFAULT 0,
    run_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT transfer_jobs_state_check CHECK (state IN ('queued', 'running', 'done')),
    CONSTRAINT transfer_jobs_attempt_check CHECK (attempt >= 0)
);

COMMENT ON TABLE xferity.transfer_jobs IS
'One file transfer for a worker to run: claimed with FOR UPDATE SKIP LOCKED, retried with backoff.';
COMMENT ON COLUMN xferity.transfer_jobs.job_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.transfer_jobs.partner_id IS 'Partner the file goes to.';
COMMENT ON COLUMN xferity.transfer_jobs.state IS 'queued, running or done.';
COMMENT ON COLUMN xferity.transfer_jobs.payload IS 'What to transfer, as the flow defined it.';
COMMENT ON COLUMN xferity.transfer_jobs.attempt IS 'How many times a worker claimed the job.';
COMMENT ON COLUMN xferity.transfer_jobs.run_at IS 'Not before this time.';
COMMENT ON COLUMN xferity.transfer_jobs.updated_at IS 'Last change of state.';

CREATE INDEX transfer_jobs_partner_id_idx ON xferity.transfer_jobs (partner_id);

-- The claim query's WHERE, spelled exactly: finished jobs stay out of the hot index.
CREATE INDEX transfer_jobs_claim_idx ON xferity.transfer_jobs (run_at, job_id)
WHERE state = 'queued';

CREATE FUNCTION xferity.transfer_jobs_touch() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION xferity.transfer_jobs_touch() IS 'Keeps updated_at current.';

CREATE TRIGGER transfer_jobs_touch_trg
BEFORE UPDATE ON xferity.transfer_jobs
FOR EACH ROW EXECUTE FUNCTION xferity.transfer_jobs_touch();

CREATE FUNCTION xferity.claim_transfer_jobs(p_limit integer DEFAULT 1)
RETURNS SETOF xferity.transfer_jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = xferity, pg_temp
AS $$
BEGIN
    RETURN QUERY
    WITH claimed AS (
        SELECT j.job_id
        FROM xferity.transfer_jobs AS j
        WHERE j.state = 'queued' AND j.run_at <= now()
        ORDER BY j.run_at, j.job_id
        LIMIT p_limit
        FOR UPDATE SKIP LOCKED
    )

    UPDATE xferity.transfer_jobs AS j
    SET state = 'running', attempt = j.attempt + 1
    FROM claimed
    WHERE j.job_id = claimed.job_id
    RETURNING j.*;
END;
$$;

COMMENT ON FUNCTION xferity.claim_transfer_jobs(integer) IS
'Claims up to p_limit due jobs for the calling worker.';

REVOKE ALL ON FUNCTION xferity.claim_transfer_jobs(integer) FROM PUBLIC;

CREATE VIEW xferity.queue_depth AS
SELECT
    state,
    count(*) AS jobs
FROM xferity.transfer_jobs
GROUP BY state;

COMMENT ON VIEW xferity.queue_depth IS 'Jobs per state, for the queue-depth metric.';
