-- Case: a serial column added to a live table rewrites it
-- expect: table-rewrite
ALTER TABLE xferity.notes ADD COLUMN position serial;
