-- Case: a column's STORAGE in CREATE TABLE (16); 13 only has ALTER COLUMN ... SET STORAGE
-- expect: pg13-compat
CREATE TABLE xferity.blobs (id bigint NOT NULL, body text STORAGE EXTERNAL);
