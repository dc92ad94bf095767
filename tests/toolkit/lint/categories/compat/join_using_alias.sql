-- Case: an alias for a JOIN ... USING clause (14)
-- expect: pg13-compat
CREATE VIEW xferity.job_notes AS
SELECT j.name, n.body
FROM xferity.jobs AS j
JOIN xferity.notes AS n USING (id) AS shared;
