-- Case: ALTER COLUMN SET EXPRESSION (17)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ALTER COLUMN name_upper SET EXPRESSION AS (lower(name));
