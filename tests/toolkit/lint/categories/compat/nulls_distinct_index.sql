-- Case: an explicit NULLS DISTINCT on a unique index (15)
-- expect: pg13-compat
CREATE UNIQUE INDEX jobs_code_key ON xferity.jobs (code) NULLS DISTINCT;
