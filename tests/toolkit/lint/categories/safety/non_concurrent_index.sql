-- Case: CREATE INDEX without CONCURRENTLY on a live table blocks writes
-- expect: require-concurrent-index-creation
CREATE INDEX jobs_name_idx ON xferity.jobs (name);
