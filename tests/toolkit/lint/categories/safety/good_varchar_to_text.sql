-- Case: varchar to text is binary-compatible: no rewrite
-- expect: none
ALTER TABLE xferity.jobs ALTER COLUMN code TYPE text;
