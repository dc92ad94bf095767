-- Rollback of 0016: the two state checks become NOT VALID again, as 0015 left
-- them (same definitions; only the validation is undone).

ALTER TABLE xferity.jobs DROP CONSTRAINT jobs_finished_check;

ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_finished_check CHECK (
    (state IN ('completed', 'failed', 'cancelled')) = (finished_at IS NOT NULL)
) NOT VALID;

ALTER TABLE xferity.jobs DROP CONSTRAINT jobs_state_check;

ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_state_check CHECK (
    state IN ('available', 'running', 'completed', 'failed', 'cancelled')
) NOT VALID;
