-- Case: reading jsonb with a subscript (14)
-- expect: pg13-compat
CREATE VIEW xferity.job_kinds AS SELECT id, payload['kind'] AS kind FROM xferity.jobs;
