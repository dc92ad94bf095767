-- Case: a multirange column type (14)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ADD COLUMN windows tstzmultirange;
