-- Case: SET TABLESPACE on a table created in the same migration
-- expect: none
CREATE TABLE xferity.tasks (id bigint PRIMARY KEY);
ALTER TABLE xferity.tasks SET TABLESPACE pg_default;
