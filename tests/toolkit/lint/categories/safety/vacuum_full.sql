-- Case: VACUUM FULL outside a transaction rewrites the table
-- expect: table-rewrite
-- transactional: false
VACUUM FULL xferity.jobs;
