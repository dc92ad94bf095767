-- Case: a type change with USING rewrites the table
-- expect: changing-column-type
ALTER TABLE xferity.jobs ALTER COLUMN code TYPE integer USING code::integer;
