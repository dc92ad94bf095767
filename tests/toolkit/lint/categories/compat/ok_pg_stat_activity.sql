-- Case: pg_stat_activity, an old catalog view
-- expect: none
CREATE VIEW xferity.sessions AS SELECT pid, state, query FROM pg_stat_activity;
