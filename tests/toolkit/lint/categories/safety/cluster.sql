-- Case: CLUSTER rewrites a live table under ACCESS EXCLUSIVE
-- expect: table-rewrite
CLUSTER xferity.jobs USING jobs_created_idx;
