-- Case: UNIQUE NULLS NOT DISTINCT (15)
-- expect: pg13-compat
CREATE TABLE xferity.tags (id bigint PRIMARY KEY, label text UNIQUE NULLS NOT DISTINCT);
