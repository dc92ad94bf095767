-- Case: TRUNCATE of a table created in the same migration
-- expect: none
CREATE TABLE xferity.staging (id bigint PRIMARY KEY);
INSERT INTO xferity.staging (id) VALUES (1);
TRUNCATE xferity.staging;
