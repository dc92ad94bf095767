-- Case: a foreign key added without NOT VALID scans and locks both tables
-- expect: adding-foreign-key-constraint
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_parent_fk FOREIGN KEY (parent_id) REFERENCES xferity.jobs (id);
