-- Case: adding a column with a constant default is instant since 11
-- expect: none
ALTER TABLE xferity.jobs ADD COLUMN retries bigint NOT NULL DEFAULT 0;
