-- Case: an index on a materialized view created earlier in the same migration
-- expect: none
CREATE MATERIALIZED VIEW xferity.job_names AS SELECT id, name FROM xferity.jobs;
CREATE UNIQUE INDEX job_names_id ON xferity.job_names (id);
