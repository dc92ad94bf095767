-- 0002 flow runs: durable run history, per-file outcomes and idempotency.
--
-- In Postgres mode every flow run, every file it moved and every file
-- content it has already processed is recorded here. `resume` restarts a
-- flow from these rows, and dedupe refuses a file whose (flow, sha256) pair
-- is already in xferity.flow_idempotency. Status transitions are checked by
-- a trigger so that a bug in one worker cannot rewrite finished history.

CREATE TABLE xferity.flow_runs (
    run_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    flow_name text NOT NULL,
    correlation_id text NOT NULL,
    trigger_type text NOT NULL,
    status text NOT NULL DEFAULT 'queued',
    attempt integer NOT NULL DEFAULT 1,
    retry_count integer NOT NULL DEFAULT 0,
    queued_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    error_code text,
    error_message text,
    CONSTRAINT flow_runs_flow_name_check CHECK (flow_name <> ''),
    CONSTRAINT flow_runs_correlation_id_check CHECK (correlation_id <> ''),
    CONSTRAINT flow_runs_trigger_type_check CHECK (
        trigger_type IN ('schedule', 'manual', 'api', 'watch', 'as2_inbound', 'resume')
    ),
    CONSTRAINT flow_runs_status_check CHECK (
        status IN (
            'queued', 'running', 'committed', 'failed', 'retry', 'dead_letter', 'skipped'
        )
    ),
    CONSTRAINT flow_runs_attempt_check CHECK (attempt >= 1),
    CONSTRAINT flow_runs_retry_count_check CHECK (retry_count >= 0),
    CONSTRAINT flow_runs_finished_after_started_check CHECK (finished_at >= started_at),
    CONSTRAINT flow_runs_started_after_queued_check CHECK (started_at >= queued_at),
    CONSTRAINT flow_runs_error_code_check CHECK (
        status NOT IN ('failed', 'dead_letter') OR error_code IS NOT NULL
    )
);

COMMENT ON TABLE xferity.flow_runs IS
'One row per flow run. Status lifecycle: queued -> running -> committed; on failure failed -> retry -> (running again) or dead_letter; skipped when a run had nothing to do. Transitions are enforced by trigger flow_runs_status_transition.';
COMMENT ON COLUMN xferity.flow_runs.run_id IS
'Run identifier (run_id in logs, audit records and metrics).';
COMMENT ON COLUMN xferity.flow_runs.flow_name IS
'Name of the flow definition (YAML) that ran.';
COMMENT ON COLUMN xferity.flow_runs.correlation_id IS
'Correlation id shared by every log line, audit event and job of this run.';
COMMENT ON COLUMN xferity.flow_runs.trigger_type IS
'What started the run: schedule, manual, api, watch (file watch/poll), as2_inbound or resume.';
COMMENT ON COLUMN xferity.flow_runs.status IS
'queued, running, committed, failed, retry, dead_letter or skipped.';
COMMENT ON COLUMN xferity.flow_runs.attempt IS
'Attempt number of the current execution, starting at 1.';
COMMENT ON COLUMN xferity.flow_runs.retry_count IS
'How many times the run was retried after a failure.';
COMMENT ON COLUMN xferity.flow_runs.queued_at IS
'When the run was created (enqueued).';
COMMENT ON COLUMN xferity.flow_runs.started_at IS
'When a worker started executing the run; NULL while queued.';
COMMENT ON COLUMN xferity.flow_runs.finished_at IS
'When the run reached committed, failed, dead_letter or skipped; NULL while in progress.';
COMMENT ON COLUMN xferity.flow_runs.error_code IS
'Machine-readable code of the last error; required when status is failed or dead_letter.';
COMMENT ON COLUMN xferity.flow_runs.error_message IS
'Human-readable message of the last error.';

CREATE INDEX flow_runs_flow_name_queued_at_idx
ON xferity.flow_runs (flow_name, queued_at DESC);

CREATE INDEX flow_runs_correlation_id_idx
ON xferity.flow_runs (correlation_id);

-- Only unfinished runs are polled by status; finished history stays out of
-- this index so it remains small.
CREATE INDEX flow_runs_active_status_idx
ON xferity.flow_runs (status, queued_at)
WHERE status IN ('queued', 'running', 'failed', 'retry');

CREATE FUNCTION xferity.flow_runs_check_status_transition()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF (OLD.status, NEW.status) IN (
        ('queued', 'running'),
        ('queued', 'skipped'),
        ('queued', 'failed'),
        ('running', 'committed'),
        ('running', 'failed'),
        ('running', 'skipped'),
        ('failed', 'retry'),
        ('failed', 'dead_letter'),
        ('retry', 'queued'),
        ('retry', 'running'),
        ('retry', 'dead_letter'),
        ('dead_letter', 'retry')
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'flow run %: status % cannot change to %', OLD.run_id, OLD.status, NEW.status
        USING ERRCODE = 'check_violation',
        CONSTRAINT = 'flow_runs_status_transition';
END;
$$;

COMMENT ON FUNCTION xferity.flow_runs_check_status_transition() IS
'Trigger function: rejects (SQLSTATE 23514) a flow run status change outside the lifecycle queued -> running -> committed | failed -> retry -> running | dead_letter, plus skipped. committed and skipped are final; dead_letter may only go back to retry (operator resume).';

CREATE TRIGGER flow_runs_status_transition
BEFORE UPDATE OF status ON xferity.flow_runs
FOR EACH ROW
EXECUTE FUNCTION xferity.flow_runs_check_status_transition();

COMMENT ON TRIGGER flow_runs_status_transition ON xferity.flow_runs IS
'Keeps run status changes on the documented lifecycle.';

CREATE TABLE xferity.flow_run_files (
    file_outcome_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id uuid NOT NULL REFERENCES xferity.flow_runs (run_id) ON DELETE CASCADE,
    file_name text NOT NULL,
    remote_path text,
    local_path text,
    size_bytes bigint,
    content_sha256 text,
    outcome text NOT NULL,
    error_message text,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT flow_run_files_file_name_check CHECK (file_name <> ''),
    CONSTRAINT flow_run_files_size_bytes_check CHECK (size_bytes >= 0),
    CONSTRAINT flow_run_files_content_sha256_check CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT flow_run_files_outcome_check CHECK (outcome IN ('success', 'failure', 'skipped')),
    CONSTRAINT flow_run_files_success_hash_check CHECK (
        outcome <> 'success' OR content_sha256 IS NOT NULL
    ),
    CONSTRAINT flow_run_files_failure_error_check CHECK (
        outcome <> 'failure' OR error_message IS NOT NULL
    )
);

COMMENT ON TABLE xferity.flow_run_files IS
'Per-file outcome of a flow run. Deleted with its run.';
COMMENT ON COLUMN xferity.flow_run_files.file_outcome_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.flow_run_files.run_id IS 'Run that handled the file.';
COMMENT ON COLUMN xferity.flow_run_files.file_name IS 'Base name of the file.';
COMMENT ON COLUMN xferity.flow_run_files.remote_path IS
'Path on the remote endpoint (SFTP, FTPS, S3 key, ...); NULL for purely local steps.';
COMMENT ON COLUMN xferity.flow_run_files.local_path IS
'Path on the Xferity host (staging or archive); NULL if never staged locally.';
COMMENT ON COLUMN xferity.flow_run_files.size_bytes IS 'File size in bytes, when known.';
COMMENT ON COLUMN xferity.flow_run_files.content_sha256 IS
'Lowercase hex SHA-256 of the file content; required for a successful transfer.';
COMMENT ON COLUMN xferity.flow_run_files.outcome IS 'success, failure or skipped.';
COMMENT ON COLUMN xferity.flow_run_files.error_message IS
'Why the file failed or was skipped; required when outcome is failure.';
COMMENT ON COLUMN xferity.flow_run_files.recorded_at IS 'When the outcome was recorded.';

CREATE INDEX flow_run_files_run_id_idx ON xferity.flow_run_files (run_id);

CREATE INDEX flow_run_files_content_sha256_idx
ON xferity.flow_run_files (content_sha256);

CREATE TABLE xferity.flow_idempotency (
    idempotency_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flow_name text NOT NULL,
    content_sha256 text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    run_id uuid REFERENCES xferity.flow_runs (run_id) ON DELETE SET NULL,
    file_name text,
    CONSTRAINT flow_idempotency_flow_name_content_sha256_key UNIQUE (flow_name, content_sha256),
    CONSTRAINT flow_idempotency_content_sha256_check CHECK (content_sha256 ~ '^[0-9a-f]{64}$')
);

COMMENT ON TABLE xferity.flow_idempotency IS
'Content already processed by a flow: one row per (flow_name, content_sha256), written when a file succeeds. Survives deletion of the run that wrote it, so pruning history never re-enables duplicates.';
COMMENT ON COLUMN xferity.flow_idempotency.idempotency_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.flow_idempotency.flow_name IS 'Flow that processed the content.';
COMMENT ON COLUMN xferity.flow_idempotency.content_sha256 IS
'Lowercase hex SHA-256 of the processed file content.';
COMMENT ON COLUMN xferity.flow_idempotency.processed_at IS
'When the content was successfully processed.';
COMMENT ON COLUMN xferity.flow_idempotency.run_id IS
'Run that processed it; set to NULL when that run is deleted.';
COMMENT ON COLUMN xferity.flow_idempotency.file_name IS
'File name the content arrived under, for operators.';

CREATE INDEX flow_idempotency_run_id_idx ON xferity.flow_idempotency (run_id);
