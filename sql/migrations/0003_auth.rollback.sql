-- Rollback of 0003 auth: drops users and sessions (every login is lost).

DROP FUNCTION xferity.delete_dead_sessions(interval);

DROP FUNCTION xferity.find_live_session(text);

DROP TABLE xferity.auth_sessions;

DROP TABLE xferity.auth_users;
