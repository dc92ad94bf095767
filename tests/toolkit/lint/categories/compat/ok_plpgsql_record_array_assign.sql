-- Case: PL/pgSQL assignment to an array element of a record field
-- expect: none
CREATE FUNCTION xferity.first_tag() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.tags[1] := 'first';
    RETURN NEW;
END
$$;
CREATE TRIGGER jobs_first_tag BEFORE INSERT ON xferity.jobs FOR EACH ROW EXECUTE FUNCTION xferity.first_tag();
INSERT INTO xferity.jobs (name) VALUES ('probe');
