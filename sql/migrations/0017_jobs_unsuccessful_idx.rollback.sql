-- transactional: false
-- Rollback of 0017: drops the index of failed and cancelled jobs, without
-- blocking the workers.
DROP INDEX CONCURRENTLY xferity.jobs_unsuccessful_idx;
