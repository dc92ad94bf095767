-- Case: ALTER COLUMN SET COMPRESSION (14)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ALTER COLUMN note SET COMPRESSION pglz;
