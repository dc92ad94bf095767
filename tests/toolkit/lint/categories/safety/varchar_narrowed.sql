-- Case: narrowing a varchar rewrites and checks every row
-- expect: changing-column-type
ALTER TABLE xferity.jobs ALTER COLUMN code TYPE varchar(5);
