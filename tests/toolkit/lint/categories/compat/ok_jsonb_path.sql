-- Case: jsonb_path_query (12)
-- expect: none
CREATE VIEW xferity.job_kinds AS SELECT id, jsonb_path_query_first(payload, '$.kind') AS kind FROM xferity.jobs;
