-- Case: a NOT NULL column without a default fails on existing rows
-- expect: adding-required-field
ALTER TABLE xferity.jobs ADD COLUMN owner text NOT NULL;
