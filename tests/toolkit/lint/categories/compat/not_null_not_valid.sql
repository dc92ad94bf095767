-- Case: a NOT NULL constraint NOT VALID (18)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_code_nn NOT NULL code NOT VALID;
