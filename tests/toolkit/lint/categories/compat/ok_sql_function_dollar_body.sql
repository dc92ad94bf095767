-- Case: a LANGUAGE sql function with a string body
-- expect: none
CREATE FUNCTION xferity.job_total() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM xferity.jobs $$;
