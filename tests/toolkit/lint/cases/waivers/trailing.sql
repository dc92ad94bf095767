-- A trailing waiver covers its own line.

ALTER TABLE xferity.counters DROP COLUMN legacy_total; -- lint: allow ban-drop-column reason: unused since 2.1
