-- A SECURITY DEFINER function that runs with the caller's search_path.

CREATE FUNCTION xferity.purge_sessions() RETURNS void
LANGUAGE sql
SECURITY DEFINER
AS $$
    DELETE FROM xferity.sessions WHERE expires_at < now()
$$;

COMMENT ON FUNCTION xferity.purge_sessions() IS 'Deletes expired sessions.';
