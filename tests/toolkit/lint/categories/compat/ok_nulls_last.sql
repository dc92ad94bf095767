-- Case: NULLS LAST in an index and IS DISTINCT FROM
-- expect: none
CREATE INDEX jobs_amount_desc ON xferity.jobs (amount DESC NULLS LAST) WHERE code IS DISTINCT FROM 'x';
