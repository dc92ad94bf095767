-- Case: an enum value added, then used by the next migration
-- expect: none
ALTER TYPE xferity.job_state ADD VALUE 'failed';
-- @@ next migration @@
-- Use it once committed
UPDATE xferity.jobs SET state = 'failed' WHERE note = 'boom';
