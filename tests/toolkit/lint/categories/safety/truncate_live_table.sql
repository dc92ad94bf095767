-- Case: TRUNCATE of a live table takes ACCESS EXCLUSIVE and empties it
-- expect: lock-table
TRUNCATE xferity.notes;
