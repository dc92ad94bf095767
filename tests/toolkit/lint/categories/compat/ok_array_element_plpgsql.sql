-- Case: PL/pgSQL array element assignment
-- expect: none
CREATE FUNCTION xferity.first_tag_set(p text[]) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    result text[] := p;
BEGIN
    result[1] := 'first';
    RETURN result;
END
$$;
SELECT xferity.first_tag_set('{a,b}');
