-- Case: dropping a column breaks workers still reading it
-- expect: ban-drop-column
ALTER TABLE xferity.jobs DROP COLUMN note;
