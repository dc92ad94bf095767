-- Case: an enum value set as a default in the transaction that added it
-- expect: enum-value-same-transaction
ALTER TYPE xferity.job_state ADD VALUE 'held' BEFORE 'running';
ALTER TABLE xferity.jobs ALTER COLUMN state SET DEFAULT 'held';
