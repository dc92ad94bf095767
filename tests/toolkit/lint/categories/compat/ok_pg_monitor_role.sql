-- Case: a predefined role PostgreSQL 13 has (pg_monitor)
-- expect: none
CREATE ROLE xferity_case_watcher NOLOGIN;
GRANT pg_monitor TO xferity_case_watcher;
