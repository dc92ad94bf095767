-- Case: a stored generated column in a new table (12)
-- expect: none
CREATE TABLE xferity.people (id bigint PRIMARY KEY, first text, last text, full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED);
