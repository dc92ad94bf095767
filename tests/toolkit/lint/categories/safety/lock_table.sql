-- Case: LOCK TABLE on a live table blocks every read and write
-- expect: lock-table
LOCK TABLE xferity.jobs;
UPDATE xferity.jobs SET note = 'x' WHERE id = 1;
