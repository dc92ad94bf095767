-- Older workers' INSERTs do not know the new column and fail.

ALTER TABLE xferity.counters ADD COLUMN owner_name text NOT NULL;

COMMENT ON COLUMN xferity.counters.owner_name IS 'Who owns the counter.';
