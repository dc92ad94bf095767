-- Case: a CHECK added without NOT VALID scans under the lock
-- expect: constraint-missing-not-valid
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_amount_positive CHECK (amount > 0);
