-- Case: CREATE UNLOGGED SEQUENCE (15)
-- expect: pg13-compat
CREATE UNLOGGED SEQUENCE xferity.scratch_seq;
