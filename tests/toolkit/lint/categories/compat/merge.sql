-- Case: MERGE (15)
-- expect: pg13-compat
MERGE INTO xferity.notes AS n USING xferity.jobs AS j ON n.id = j.id
WHEN NOT MATCHED THEN INSERT (id, body) VALUES (j.id, j.note);
