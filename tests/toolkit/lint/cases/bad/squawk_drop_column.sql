-- Older workers still select the column.

ALTER TABLE xferity.counters DROP COLUMN legacy_total;
