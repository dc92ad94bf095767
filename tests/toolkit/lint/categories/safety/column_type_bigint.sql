-- Case: changing bigint to text rewrites the table
-- expect: changing-column-type
ALTER TABLE xferity.jobs ALTER COLUMN parent_id TYPE text;
