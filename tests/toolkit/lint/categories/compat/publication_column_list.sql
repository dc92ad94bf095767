-- Case: a publication column list (15)
-- expect: pg13-compat
CREATE PUBLICATION xferity_names_pub FOR TABLE xferity.jobs (id, name);
