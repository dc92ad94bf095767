-- 0016 job operations, validated: checks every existing job against the state
-- checks 0015 added NOT VALID. VALIDATE CONSTRAINT takes only a SHARE UPDATE
-- EXCLUSIVE lock, so workers keep claiming and completing jobs meanwhile. The
-- checks cannot fail on existing rows: they only allow one more state than the
-- ones they replaced.

ALTER TABLE xferity.jobs VALIDATE CONSTRAINT jobs_state_check;

ALTER TABLE xferity.jobs VALIDATE CONSTRAINT jobs_finished_check;
