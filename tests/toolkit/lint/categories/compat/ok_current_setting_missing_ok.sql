-- Case: current_setting(name, true) of a newer setting returns NULL on 13
-- expect: none
CREATE VIEW xferity.session_limit AS SELECT current_setting('idle_session_timeout', true) AS idle_limit;
