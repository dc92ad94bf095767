-- Case: widening numeric precision at the same scale: no rewrite
-- expect: none
ALTER TABLE xferity.jobs ALTER COLUMN amount TYPE numeric(14, 2);
