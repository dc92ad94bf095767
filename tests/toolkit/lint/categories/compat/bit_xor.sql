-- Case: the bit_xor aggregate (14)
-- expect: pg13-compat
CREATE VIEW xferity.job_checksum AS SELECT bit_xor(id) AS checksum FROM xferity.jobs;
