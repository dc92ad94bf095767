-- Case: an added enum value in a PL/pgSQL body, which runs only later
-- expect: none
ALTER TYPE xferity.job_state ADD VALUE 'stale';
CREATE FUNCTION xferity.mark_stale() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE xferity.jobs SET state = 'stale' WHERE created_at < now() - interval '1 day';
END
$$;
