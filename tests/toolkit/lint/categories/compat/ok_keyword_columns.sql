-- Case: columns named like newer keywords (path, compression, source)
-- expect: none
CREATE TABLE xferity.uploads (id bigint PRIMARY KEY, path text, compression text, source text, format text);
