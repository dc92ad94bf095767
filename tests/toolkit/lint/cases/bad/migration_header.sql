ALTER TABLE xferity.counters ADD COLUMN note text;

COMMENT ON COLUMN xferity.counters.note IS 'A note.';
