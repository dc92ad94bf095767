-- Case: AT TIME ZONE (not AT LOCAL)
-- expect: none
CREATE VIEW xferity.job_utc AS SELECT id, created_at AT TIME ZONE 'UTC' AS created_utc FROM xferity.jobs;
