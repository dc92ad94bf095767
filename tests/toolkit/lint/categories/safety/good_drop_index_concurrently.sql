-- Case: DROP INDEX CONCURRENTLY alone, outside a transaction
-- expect: none
-- transactional: false
DROP INDEX CONCURRENTLY xferity.jobs_created_idx;
