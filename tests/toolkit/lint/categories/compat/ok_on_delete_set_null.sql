-- Case: ON DELETE SET NULL without a column list
-- expect: none
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_parent_fk FOREIGN KEY (parent_id) REFERENCES xferity.jobs (id) ON DELETE SET NULL NOT VALID;
