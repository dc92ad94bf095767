-- Case: an added column with an inline CHECK scans every row under the lock
-- expect: add-column-check
ALTER TABLE xferity.jobs ADD COLUMN priority integer CHECK (priority > 0);
