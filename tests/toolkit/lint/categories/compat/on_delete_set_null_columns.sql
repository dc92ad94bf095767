-- Case: ON DELETE SET NULL (columns) (15)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_parent_fk FOREIGN KEY (parent_id) REFERENCES xferity.jobs (id) ON DELETE SET NULL (parent_id) NOT VALID;
