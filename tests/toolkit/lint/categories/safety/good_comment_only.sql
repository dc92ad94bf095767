-- Case: COMMENT ON takes a light lock
-- expect: none
COMMENT ON COLUMN xferity.jobs.note IS 'Free text from the operator.';
