-- Case: an explicit NULLS DISTINCT on a UNIQUE constraint (15)
-- expect: pg13-compat
CREATE TABLE xferity.tags (id bigint PRIMARY KEY, label text, CONSTRAINT tags_label_key UNIQUE NULLS DISTINCT (label));
