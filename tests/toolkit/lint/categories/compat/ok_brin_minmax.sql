-- Case: a BRIN index with the classic minmax opclass
-- expect: none
CREATE INDEX jobs_created_brin ON xferity.jobs USING brin (created_at timestamptz_minmax_ops);
