-- Case: catalog view columns PostgreSQL 13 has
-- expect: none
CREATE VIEW xferity.table_scans AS
SELECT t.relname, t.seq_scan, a.query FROM pg_stat_user_tables AS t
CROSS JOIN pg_stat_activity AS a WHERE a.pid = pg_backend_pid();
