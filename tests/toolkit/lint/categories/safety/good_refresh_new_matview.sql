-- Case: REFRESH of a materialized view created WITH NO DATA in the same migration
-- expect: none
CREATE MATERIALIZED VIEW xferity.job_names AS SELECT id, name FROM xferity.jobs WITH NO DATA;
REFRESH MATERIALIZED VIEW xferity.job_names;
