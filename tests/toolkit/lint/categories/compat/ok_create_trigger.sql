-- Case: CREATE TRIGGER without OR REPLACE
-- expect: none
CREATE FUNCTION xferity.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER jobs_noop BEFORE UPDATE ON xferity.jobs FOR EACH ROW EXECUTE FUNCTION xferity.noop();
