-- Case: varchar(n) to unbounded varchar: no rewrite
-- expect: none
ALTER TABLE xferity.jobs ALTER COLUMN code TYPE varchar;
