-- Case: a SQL-standard function body (14)
-- expect: pg13-compat
CREATE FUNCTION xferity.job_total() RETURNS bigint LANGUAGE sql
BEGIN ATOMIC
    SELECT count(*) FROM xferity.jobs;
END;
