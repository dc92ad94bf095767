-- Case: an aggregate with FILTER
-- expect: none
CREATE VIEW xferity.job_done AS SELECT count(*) FILTER (WHERE state = 'done') AS done FROM xferity.jobs;
