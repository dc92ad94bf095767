-- Case: dropping a table breaks workers still using it
-- expect: ban-drop-table
DROP TABLE xferity.notes;
