-- Case: varchar to text on a table older than the set
-- expect: none
ALTER TABLE xferity.legacy_accounts ALTER COLUMN label TYPE text;
