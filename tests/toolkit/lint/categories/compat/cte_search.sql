-- Case: WITH RECURSIVE ... SEARCH (14)
-- expect: pg13-compat
CREATE VIEW xferity.job_tree AS
WITH RECURSIVE tree (id, parent_id) AS (
    SELECT id, parent_id FROM xferity.jobs WHERE parent_id IS NULL
    UNION ALL
    SELECT j.id, j.parent_id FROM xferity.jobs AS j JOIN tree AS t ON j.parent_id = t.id
) SEARCH DEPTH FIRST BY id SET ordercol
SELECT id, parent_id FROM tree;
