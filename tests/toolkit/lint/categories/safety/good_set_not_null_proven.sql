-- Case: SET NOT NULL after a validated CHECK (col IS NOT NULL) in an earlier migration
-- expect: none
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_code_nn CHECK (code IS NOT NULL) NOT VALID;
-- @@ next migration @@
-- Validate without blocking writes
ALTER TABLE xferity.jobs VALIDATE CONSTRAINT jobs_code_nn;
-- @@ next migration @@
-- The validated CHECK proves it: no scan
ALTER TABLE xferity.jobs ALTER COLUMN code SET NOT NULL;
