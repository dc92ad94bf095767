-- Case: XMLSERIALIZE(... INDENT) (16)
-- expect: pg13-compat
CREATE VIEW xferity.job_xml AS
SELECT xmlserialize(DOCUMENT xmlparse(DOCUMENT '<a/>') AS text INDENT) AS doc
FROM xferity.jobs;
