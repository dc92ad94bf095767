-- Case: JSON_OBJECT() (16)
-- expect: pg13-compat
CREATE VIEW xferity.job_docs AS SELECT JSON_OBJECT('id': id, 'name': name) AS doc FROM xferity.jobs;
