-- Case: a publication row filter (15)
-- expect: pg13-compat
CREATE PUBLICATION xferity_done_pub FOR TABLE xferity.jobs WHERE (amount > 0);
