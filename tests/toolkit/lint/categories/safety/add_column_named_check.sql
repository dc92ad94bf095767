-- Case: an added column with a named inline CHECK
-- expect: add-column-check
ALTER TABLE xferity.jobs ADD COLUMN weight numeric CONSTRAINT jobs_weight_positive CHECK (weight >= 0);
