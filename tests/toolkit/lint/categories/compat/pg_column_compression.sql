-- Case: pg_column_compression() (14)
-- expect: pg13-compat
CREATE VIEW xferity.note_compression AS SELECT id, pg_column_compression(note) AS method FROM xferity.jobs;
