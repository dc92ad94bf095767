-- Case: CREATE STATISTICS on an expression (14)
-- expect: pg13-compat
CREATE STATISTICS xferity.jobs_lower_name ON (lower(name)) FROM xferity.jobs;
