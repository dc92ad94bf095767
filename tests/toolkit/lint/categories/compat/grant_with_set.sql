-- Case: GRANT role WITH SET (16)
-- expect: pg13-compat
CREATE ROLE xferity_case_owner NOLOGIN;
CREATE ROLE xferity_case_migrator NOLOGIN;
GRANT xferity_case_owner TO xferity_case_migrator WITH SET TRUE;
