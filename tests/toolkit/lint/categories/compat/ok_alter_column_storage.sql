-- Case: ALTER COLUMN ... SET STORAGE is valid 13
-- expect: none
ALTER TABLE xferity.notes ALTER COLUMN body SET STORAGE EXTERNAL;
