-- Case: LOCK TABLE on a table created in the same migration
-- expect: none
CREATE TABLE xferity.staging (id bigint PRIMARY KEY);
LOCK TABLE xferity.staging IN ACCESS EXCLUSIVE MODE;
