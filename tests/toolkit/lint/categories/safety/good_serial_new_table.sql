-- Case: a bigserial column in a new table rewrites nothing
-- expect: none
CREATE TABLE xferity.counters (id bigserial PRIMARY KEY, label varchar(40));
