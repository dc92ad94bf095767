-- Case: CHECK ... NOT VALID (not NOT NULL NOT VALID)
-- expect: none
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_code_nn CHECK (code IS NOT NULL) NOT VALID;
