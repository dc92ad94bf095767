-- Case: a CHECK added NOT VALID, validated in a later migration
-- expect: none
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_amount_positive CHECK (amount > 0) NOT VALID;
-- @@ next migration @@
-- Validate under SHARE UPDATE EXCLUSIVE
ALTER TABLE xferity.jobs VALIDATE CONSTRAINT jobs_amount_positive;
