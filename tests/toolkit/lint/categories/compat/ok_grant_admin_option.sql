-- Case: GRANT role WITH ADMIN OPTION
-- expect: none
CREATE ROLE xferity_case_lead NOLOGIN;
CREATE ROLE xferity_case_dev NOLOGIN;
GRANT xferity_case_lead TO xferity_case_dev WITH ADMIN OPTION;
