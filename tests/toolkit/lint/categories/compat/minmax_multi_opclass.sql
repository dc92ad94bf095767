-- Case: a BRIN *_minmax_multi_ops operator class (14)
-- expect: pg13-compat
CREATE INDEX jobs_created_brin ON xferity.jobs USING brin (created_at timestamptz_minmax_multi_ops);
