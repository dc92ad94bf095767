-- Case: adding a nullable column is instant
-- expect: none
ALTER TABLE xferity.jobs ADD COLUMN remark text;
