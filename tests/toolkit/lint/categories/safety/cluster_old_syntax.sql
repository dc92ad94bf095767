-- Case: CLUSTER index ON table (the old spelling) rewrites the table
-- expect: table-rewrite
CLUSTER jobs_created_idx ON xferity.jobs;
