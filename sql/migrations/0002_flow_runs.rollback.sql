-- Rollback of 0002 flow runs: drops run history, file outcomes and
-- idempotency records (their data is lost; dedupe starts from scratch).

DROP TABLE xferity.flow_idempotency;

DROP TABLE xferity.flow_run_files;

DROP TRIGGER flow_runs_status_transition ON xferity.flow_runs;

DROP FUNCTION xferity.flow_runs_check_status_transition();

DROP TABLE xferity.flow_runs;
