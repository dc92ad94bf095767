-- Case: jsonb subscripting in a LANGUAGE sql function body (14)
-- expect: pg13-compat
CREATE FUNCTION xferity.kind_of(p jsonb) RETURNS jsonb
LANGUAGE sql AS $$ SELECT p['kind'] $$;
