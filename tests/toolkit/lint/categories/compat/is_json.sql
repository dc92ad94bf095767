-- Case: IS JSON (16)
-- expect: pg13-compat
ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_note_json CHECK (note IS JSON) NOT VALID;
