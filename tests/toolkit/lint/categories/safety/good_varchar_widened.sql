-- Case: widening a varchar changes only the catalog
-- expect: none
ALTER TABLE xferity.jobs ALTER COLUMN code TYPE varchar(100);
