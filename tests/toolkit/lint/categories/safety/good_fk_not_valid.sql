-- Case: a foreign key added NOT VALID
-- expect: none
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_parent_fk FOREIGN KEY (parent_id) REFERENCES xferity.jobs (id) NOT VALID;
