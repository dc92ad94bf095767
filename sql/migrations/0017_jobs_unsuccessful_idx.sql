-- transactional: false
-- 0017 failed and cancelled jobs by finish time: what queue_stats counts for the
-- last hour and retry_failed_jobs selects by time, without reading completed
-- jobs. INCLUDE (queue, state) lets those counts come from the index alone.
-- CONCURRENTLY, so building it on a large jobs table never blocks the workers.
-- lint: allow prefer-robust-stmts reason: IF NOT EXISTS would keep a failed build's INVALID index
CREATE INDEX CONCURRENTLY jobs_unsuccessful_idx ON xferity.jobs (finished_at)
INCLUDE (queue, state)
WHERE state IN ('failed', 'cancelled');
