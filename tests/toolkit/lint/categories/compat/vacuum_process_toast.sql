-- Case: VACUUM (PROCESS_TOAST) (14)
-- expect: pg13-compat
-- transactional: false
VACUUM (PROCESS_TOAST false) xferity.jobs;
