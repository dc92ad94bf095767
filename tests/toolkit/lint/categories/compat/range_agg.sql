-- Case: range_agg() (14)
-- expect: pg13-compat
CREATE VIEW xferity.busy AS SELECT range_agg(period) AS periods FROM xferity.jobs;
