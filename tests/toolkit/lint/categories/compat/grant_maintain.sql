-- Case: the MAINTAIN privilege (17)
-- expect: pg13-compat
CREATE ROLE xferity_case_maint NOLOGIN;
GRANT MAINTAIN ON xferity.jobs TO xferity_case_maint;
