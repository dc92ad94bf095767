-- Case: an enum value in a partial index in the transaction that added it
-- expect: enum-value-same-transaction
ALTER TYPE xferity.job_state ADD VALUE IF NOT EXISTS 'paused';
CREATE INDEX jobs_paused ON xferity.jobs (id) WHERE state = 'paused';
