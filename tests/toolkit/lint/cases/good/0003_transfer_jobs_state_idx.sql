-- 0003 transfer jobs by state: an index on an existing, busy table, built without blocking
-- writes. CONCURRENTLY cannot run in a transaction, hence one statement, non-transactional.
-- transactional: false

CREATE INDEX CONCURRENTLY IF NOT EXISTS transfer_jobs_state_idx
ON xferity.transfer_jobs (state, updated_at);
