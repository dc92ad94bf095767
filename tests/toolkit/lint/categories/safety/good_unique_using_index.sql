-- Case: UNIQUE USING INDEX over an index built concurrently earlier
-- expect: none
-- transactional: false
CREATE UNIQUE INDEX CONCURRENTLY jobs_name_uidx ON xferity.jobs (name);
-- @@ next migration @@
-- Attach the ready index
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_name_key UNIQUE USING INDEX jobs_name_uidx;
