-- Case: ALTER INDEX SET TABLESPACE copies a live index
-- expect: table-rewrite
ALTER INDEX xferity.jobs_created_idx SET TABLESPACE pg_default;
