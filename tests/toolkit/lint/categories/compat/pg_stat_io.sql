-- Case: the pg_stat_io view (16)
-- expect: pg13-compat
CREATE VIEW xferity.io_stats AS SELECT backend_type, reads FROM pg_stat_io;
