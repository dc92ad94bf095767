-- Case: SET NOT NULL without a validated CHECK scans under ACCESS EXCLUSIVE
-- expect: adding-not-nullable-field
ALTER TABLE xferity.jobs ALTER COLUMN code SET NOT NULL;
