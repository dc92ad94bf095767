-- Case: GRANT role WITH INHERIT (16)
-- expect: pg13-compat
CREATE ROLE xferity_case_reader NOLOGIN;
CREATE ROLE xferity_case_app NOLOGIN;
GRANT xferity_case_reader TO xferity_case_app WITH INHERIT FALSE;
