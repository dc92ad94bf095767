-- Case: a setting new in 14 (idle_session_timeout)
-- expect: pg13-compat
SET LOCAL idle_session_timeout = '10min';
