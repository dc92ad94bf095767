-- Case: an added enum value in a LANGUAGE sql body, analysed at creation
-- expect: enum-value-same-transaction
ALTER TYPE xferity.job_state ADD VALUE 'stale';
CREATE FUNCTION xferity.stale_jobs() RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$ SELECT id FROM xferity.jobs WHERE state = 'stale' $$;
