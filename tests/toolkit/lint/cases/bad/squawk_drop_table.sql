-- Older workers still use the table.

DROP TABLE xferity.legacy_counters;
