-- Case: plain VACUUM (no FULL) takes no exclusive lock
-- expect: none
-- transactional: false
VACUUM (ANALYZE) xferity.jobs;
