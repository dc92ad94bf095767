-- A waiver that matches nothing has outlived its reason.

-- lint: allow ban-drop-table reason: left over from an earlier draft
ALTER TABLE xferity.counters ADD COLUMN note text;

COMMENT ON COLUMN xferity.counters.note IS 'A note.';
