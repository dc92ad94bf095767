-- Case: a procedure with an OUT parameter (14)
-- expect: pg13-compat
CREATE PROCEDURE xferity.count_jobs(OUT total bigint)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT count(*) INTO total FROM xferity.jobs;
END
$$;
