-- Case: date_bin() (14)
-- expect: pg13-compat
CREATE VIEW xferity.job_buckets AS SELECT date_bin('15 minutes', created_at, '2000-01-01') AS bucket, count(*) AS n FROM xferity.jobs GROUP BY 1;
