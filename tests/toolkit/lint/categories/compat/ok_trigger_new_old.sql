-- Case: NEW and OLD in a trigger function body
-- expect: none
CREATE FUNCTION xferity.audit_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.note IS DISTINCT FROM OLD.note THEN
        UPDATE xferity.notes SET body = NEW.note WHERE id = NEW.id RETURNING body INTO NEW.note;
    END IF;
    RETURN NEW;
END
$$;
