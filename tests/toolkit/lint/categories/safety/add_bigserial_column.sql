-- Case: a bigserial column added to a live table rewrites it
-- expect: table-rewrite
ALTER TABLE xferity.jobs ADD COLUMN seq bigserial;
