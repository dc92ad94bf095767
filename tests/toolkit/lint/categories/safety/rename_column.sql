-- Case: renaming a column breaks workers still using the old name
-- expect: renaming-column
ALTER TABLE xferity.jobs RENAME COLUMN note TO remark;
