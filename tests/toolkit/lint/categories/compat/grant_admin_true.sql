-- Case: GRANT role WITH ADMIN TRUE (16)
-- expect: pg13-compat
CREATE ROLE xferity_case_boss NOLOGIN;
CREATE ROLE xferity_case_aide NOLOGIN;
GRANT xferity_case_boss TO xferity_case_aide WITH ADMIN TRUE;
