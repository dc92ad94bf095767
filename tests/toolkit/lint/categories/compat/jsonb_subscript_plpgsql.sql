-- Case: jsonb subscript assignment in PL/pgSQL (14)
-- expect: pg13-compat
CREATE FUNCTION xferity.touch_payload(p jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    result jsonb := p;
BEGIN
    result['touched'] := 'true';
    RETURN result;
END
$$;
SELECT xferity.touch_payload('{}');
