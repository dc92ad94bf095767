-- Case: text to varchar(n) rewrites the table
-- expect: changing-column-type
ALTER TABLE xferity.jobs ALTER COLUMN note TYPE varchar(100);
