-- Case: regexp_count() (15)
-- expect: pg13-compat
CREATE VIEW xferity.job_digits AS SELECT id, regexp_count(name, '[0-9]') AS digits FROM xferity.jobs;
