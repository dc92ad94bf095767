-- Case: SET UNLOGGED rewrites a live table
-- expect: table-rewrite
ALTER TABLE xferity.jobs SET UNLOGGED;
