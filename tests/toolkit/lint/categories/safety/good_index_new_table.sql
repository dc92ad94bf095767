-- Case: a plain index on a table created in the same migration
-- expect: none
CREATE TABLE xferity.tasks (id bigint PRIMARY KEY, name text);
CREATE INDEX tasks_name ON xferity.tasks (name);
