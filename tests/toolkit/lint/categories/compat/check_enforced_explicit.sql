-- Case: an explicit ENFORCED on a CHECK (18)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_amount_positive CHECK (amount > 0) ENFORCED;
