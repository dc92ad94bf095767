-- A type change rewrites the table under an ACCESS EXCLUSIVE lock.

ALTER TABLE xferity.counters ALTER COLUMN total TYPE numeric;
