-- A waiver must say why.

-- lint: allow ban-drop-column
ALTER TABLE xferity.counters DROP COLUMN legacy_total;
