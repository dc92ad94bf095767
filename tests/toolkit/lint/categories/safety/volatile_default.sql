-- Case: a column with a volatile default rewrites the table
-- expect: adding-field-with-default
ALTER TABLE xferity.jobs ADD COLUMN ref uuid DEFAULT gen_random_uuid();
