-- 0002 transfer job notes: a later migration documents what it adds to an existing table.
--
-- A nullable column without a default is instant on PostgreSQL 13 and invisible to older
-- workers, so it is safe to apply while they run.

ALTER TABLE xferity.transfer_jobs ADD COLUMN note text;

COMMENT ON COLUMN xferity.transfer_jobs.note IS 'Operator''s note, shown in the UI.';
