-- Case: a predefined role new in 14 (pg_read_all_data)
-- expect: pg13-compat
CREATE ROLE xferity_case_auditor NOLOGIN;
GRANT pg_read_all_data TO xferity_case_auditor;
