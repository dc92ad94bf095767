-- transactional: false
-- 0021 drops 0012's jobs_claim_idx, which no claim reads since 0020: each
-- enqueued job is then written into two indexes, not three. CONCURRENTLY, so
-- dropping it on a large jobs table never blocks the workers.
DROP INDEX CONCURRENTLY IF EXISTS xferity.jobs_claim_idx;
