-- Case: a catalog view column new in 14 (pg_stat_activity.query_id)
-- expect: pg13-compat
CREATE VIEW xferity.running_queries AS
SELECT a.pid, a.query_id, a.query FROM pg_stat_activity AS a WHERE a.state = 'active';
