-- Case: jsonb array subscript assignment in PL/pgSQL (14)
-- expect: pg13-compat
CREATE FUNCTION xferity.first_slot(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb := p;
BEGIN
    doc[0] := '1';
    RETURN doc;
END
$$;
SELECT xferity.first_slot('[0]');
