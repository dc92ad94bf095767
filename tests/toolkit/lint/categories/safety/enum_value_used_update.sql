-- Case: an enum value used in the transaction that added it
-- expect: enum-value-same-transaction
ALTER TYPE xferity.job_state ADD VALUE 'failed';
UPDATE xferity.jobs SET state = 'failed' WHERE note = 'boom';
