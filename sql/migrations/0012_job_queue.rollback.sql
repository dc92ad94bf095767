-- Rollback of 0012 job queue: drops the queue, its error history, the worker
-- registry and the job API. Every job, pending or finished, is lost: drain
-- the queue (queue_depth shows nothing available or running) before running it.

DROP VIEW xferity.queue_depth;

DROP VIEW xferity.live_workers;

DROP FUNCTION xferity.prune_finished_jobs(interval, integer);

DROP FUNCTION xferity.worker_heartbeat(text);

DROP FUNCTION xferity.register_worker(text, text, jsonb);

DROP FUNCTION xferity.reap_expired_jobs();

DROP FUNCTION xferity.heartbeat_job(bigint, text, interval);

DROP FUNCTION xferity.fail_job(bigint, text, text, boolean, interval, interval);

DROP FUNCTION xferity.complete_jobs(bigint[], text);

DROP FUNCTION xferity.complete_job(bigint, text, jsonb);

DROP FUNCTION xferity.claim_job(text, text[], integer, interval);

DROP FUNCTION xferity.enqueue_job(text, jsonb, text, timestamptz, integer, integer, text);

DROP TABLE xferity.workers;

DROP TABLE xferity.job_errors;

DROP TABLE xferity.jobs;
