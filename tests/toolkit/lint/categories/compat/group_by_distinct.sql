-- Case: GROUP BY DISTINCT (14)
-- expect: pg13-compat
CREATE VIEW xferity.job_groups AS SELECT state, code, count(*) AS n FROM xferity.jobs GROUP BY DISTINCT ROLLUP (state, code);
