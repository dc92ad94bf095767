-- Case: LOCK TABLE IN SHARE MODE blocks every write
-- expect: lock-table
LOCK TABLE xferity.jobs IN SHARE MODE;
