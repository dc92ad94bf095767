-- Case: an added column with an inline REFERENCES validates under the lock
-- expect: adding-foreign-key-constraint
ALTER TABLE xferity.jobs ADD COLUMN owner_id bigint REFERENCES xferity.jobs (id);
