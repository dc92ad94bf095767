-- Case: a virtual generated column (18)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ADD COLUMN name_lower text GENERATED ALWAYS AS (lower(name)) VIRTUAL;
