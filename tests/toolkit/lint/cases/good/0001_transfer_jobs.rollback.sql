-- 0001 transfer jobs, rollback: undoes 0001_transfer_jobs.sql.

DROP VIEW xferity.queue_depth;
DROP FUNCTION xferity.claim_transfer_jobs(integer);
DROP TABLE xferity.transfer_jobs;
DROP FUNCTION xferity.transfer_jobs_touch();
DROP TABLE xferity.partners;
