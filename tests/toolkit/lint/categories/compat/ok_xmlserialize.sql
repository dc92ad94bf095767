-- Case: XMLSERIALIZE without INDENT is valid 13
-- expect: none
CREATE VIEW xferity.job_xml AS
SELECT xmlserialize(DOCUMENT xmlparse(DOCUMENT '<a/>') AS text) AS doc
FROM xferity.jobs;
