-- Case: the new label's text written to a text column, not the enum
-- expect: none
ALTER TYPE xferity.job_state ADD VALUE 'failed';
UPDATE xferity.jobs SET note = 'failed' WHERE id = 1;
