-- Case: CREATE INDEX CONCURRENTLY alone, outside a transaction
-- expect: none
-- transactional: false
CREATE INDEX CONCURRENTLY jobs_name_idx ON xferity.jobs (name);
