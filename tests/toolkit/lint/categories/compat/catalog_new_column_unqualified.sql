-- Case: an unqualified catalog column new in 16 (pg_stat_user_tables.last_seq_scan)
-- expect: pg13-compat
CREATE VIEW xferity.table_scans AS
SELECT relname, last_seq_scan FROM pg_stat_user_tables;
