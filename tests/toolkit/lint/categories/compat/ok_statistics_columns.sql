-- Case: CREATE STATISTICS on plain columns (10)
-- expect: none
CREATE STATISTICS xferity.jobs_state_code (dependencies) ON state, code FROM xferity.jobs;
