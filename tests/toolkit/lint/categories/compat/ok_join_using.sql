-- Case: JOIN ... USING without an alias for the clause is valid 13
-- expect: none
CREATE VIEW xferity.job_notes AS
SELECT j.name, n.body
FROM xferity.jobs AS j
JOIN xferity.notes AS n USING (id);
