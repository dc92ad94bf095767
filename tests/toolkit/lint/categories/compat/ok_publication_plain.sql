-- Case: CREATE PUBLICATION FOR TABLE without filter (10)
-- expect: none
CREATE PUBLICATION xferity_jobs_pub FOR TABLE xferity.jobs;
