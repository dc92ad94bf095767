-- Case: the any_value aggregate (16)
-- expect: pg13-compat
CREATE VIEW xferity.job_sample AS SELECT state, any_value(name) AS example FROM xferity.jobs GROUP BY state;
