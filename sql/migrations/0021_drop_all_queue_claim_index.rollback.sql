-- transactional: false
-- Rollback of 0021: rebuilds 0012's jobs_claim_idx without blocking the
-- workers, for 0019's claim_job (restored next, by the rollback of 0020).
CREATE INDEX CONCURRENTLY jobs_claim_idx ON xferity.jobs (priority DESC, run_at, id)
WHERE state = 'available' AND attempt < max_attempts;

COMMENT ON INDEX xferity.jobs_claim_idx IS
'Hot path of claim_job: only claimable rows, in claim order.';
