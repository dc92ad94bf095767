-- Case: a plain UNIQUE constraint
-- expect: none
CREATE TABLE xferity.tags (id bigint PRIMARY KEY, label text, CONSTRAINT tags_label_key UNIQUE (label));
