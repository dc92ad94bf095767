-- Case: SET NOT NULL after a CHECK that was never validated
-- expect: adding-not-nullable-field
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_code_nn CHECK (code IS NOT NULL) NOT VALID;
-- @@ next migration @@
-- SET NOT NULL, though the CHECK was never validated
ALTER TABLE xferity.jobs ALTER COLUMN code SET NOT NULL;
