-- Case: a security_invoker view (15)
-- expect: pg13-compat
CREATE VIEW xferity.job_names WITH (security_invoker = true) AS SELECT id, name FROM xferity.jobs;
