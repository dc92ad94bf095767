-- Case: an EXCLUDE constraint on a live table builds its index under the lock
-- expect: exclusion-constraint
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_no_overlap EXCLUDE USING gist (period WITH &&);
