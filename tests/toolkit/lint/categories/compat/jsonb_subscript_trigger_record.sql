-- Case: jsonb subscript assignment on a record field in PL/pgSQL (14)
-- expect: pg13-compat
CREATE FUNCTION xferity.stamp_payload() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.payload['stamped'] := 'true';
    RETURN NEW;
END
$$;
CREATE TRIGGER jobs_stamp BEFORE INSERT ON xferity.jobs FOR EACH ROW EXECUTE FUNCTION xferity.stamp_payload();
INSERT INTO xferity.jobs (name) VALUES ('probe');
