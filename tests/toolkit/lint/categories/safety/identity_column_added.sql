-- Case: an identity column added to a live table rewrites it
-- expect: adding-field-with-default
ALTER TABLE xferity.notes ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
