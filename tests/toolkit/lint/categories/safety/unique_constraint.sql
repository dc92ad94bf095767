-- Case: a UNIQUE constraint builds its index under ACCESS EXCLUSIVE
-- expect: disallowed-unique-constraint
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_name_key UNIQUE (name);
