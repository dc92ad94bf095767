-- Case: CHECK ... NOT ENFORCED (18)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_amount_positive CHECK (amount > 0) NOT ENFORCED;
