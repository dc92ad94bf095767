-- Case: set_config() of a setting new in 14
-- expect: pg13-compat
SELECT set_config('idle_session_timeout', '0', true);
