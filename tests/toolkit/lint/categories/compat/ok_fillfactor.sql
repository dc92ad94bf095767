-- Case: an old storage parameter (fillfactor)
-- expect: none
ALTER TABLE xferity.jobs SET (fillfactor = 70);
