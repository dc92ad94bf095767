-- Case: extended statistics mixing a column and an expression (14)
-- expect: pg13-compat
CREATE STATISTICS xferity.jobs_code_name (ndistinct) ON code, (lower(name)) FROM xferity.jobs;
