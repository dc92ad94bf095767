-- Case: a stored generated column added to a live table rewrites it
-- expect: adding-field-with-default
ALTER TABLE xferity.jobs ADD COLUMN name_length integer GENERATED ALWAYS AS (length(name)) STORED;
