-- Case: an inline CHECK on a column of a table created in the same migration
-- expect: none
CREATE TABLE xferity.tasks (id bigint PRIMARY KEY);
ALTER TABLE xferity.tasks ADD COLUMN priority bigint CHECK (priority > 0);
