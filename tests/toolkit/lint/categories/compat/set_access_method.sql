-- Case: ALTER TABLE SET ACCESS METHOD (15)
-- expect: pg13-compat
ALTER TABLE xferity.notes SET ACCESS METHOD heap;
