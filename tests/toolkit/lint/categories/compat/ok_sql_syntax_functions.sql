-- Case: TRIM, SUBSTRING, POSITION, OVERLAY: SQL syntax
-- expect: none
CREATE VIEW xferity.job_bits AS SELECT trim(both 'x' FROM name) AS t, substring(name FROM 1 FOR 2) AS s, position('a' IN name) AS p, overlay(name PLACING 'z' FROM 1 FOR 1) AS o FROM xferity.jobs;
