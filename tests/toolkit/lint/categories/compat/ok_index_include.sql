-- Case: a covering index with INCLUDE (11)
-- expect: none
CREATE INDEX jobs_state_inc ON xferity.jobs (state) INCLUDE (name);
