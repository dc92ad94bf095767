-- Case: SET LOGGED rewrites a live table
-- expect: table-rewrite
ALTER TABLE xferity.notes SET LOGGED;
