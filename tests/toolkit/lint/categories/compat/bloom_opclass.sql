-- Case: a BRIN *_bloom_ops operator class (14)
-- expect: pg13-compat
CREATE INDEX jobs_code_bloom ON xferity.jobs USING brin (code text_bloom_ops);
