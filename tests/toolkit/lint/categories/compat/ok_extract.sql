-- Case: EXTRACT(... FROM ...) is SQL syntax PostgreSQL 13 has
-- expect: none
CREATE VIEW xferity.job_years AS SELECT id, extract(year FROM created_at) AS year FROM xferity.jobs;
