-- Case: VACUUM (FULL, ANALYZE) rewrites the table
-- expect: table-rewrite
-- transactional: false
VACUUM (FULL, ANALYZE) xferity.jobs;
