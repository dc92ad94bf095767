-- Case: LOCK TABLE IN EXCLUSIVE MODE NOWAIT still blocks writes
-- expect: lock-table
LOCK TABLE xferity.jobs, xferity.notes IN EXCLUSIVE MODE NOWAIT;
