-- Case: string_to_table() (14)
-- expect: pg13-compat
CREATE VIEW xferity.job_words AS SELECT id, string_to_table(name, ' ') AS word FROM xferity.jobs;
