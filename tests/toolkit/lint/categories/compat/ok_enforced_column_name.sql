-- Case: a column named enforced
-- expect: none
CREATE TABLE xferity.policies (id bigint PRIMARY KEY, enforced boolean NOT NULL DEFAULT true);
