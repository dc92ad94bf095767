-- Case: SET TABLESPACE copies a live table under ACCESS EXCLUSIVE
-- expect: table-rewrite
ALTER TABLE xferity.jobs SET TABLESPACE pg_default;
