-- jsonb subscripting (PostgreSQL 14) hidden in a PL/pgSQL body.

CREATE FUNCTION xferity.flow_name(p_payload jsonb) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN p_payload['flow'];
END;
$$;

COMMENT ON FUNCTION xferity.flow_name(jsonb) IS 'The flow named in a job payload.';
