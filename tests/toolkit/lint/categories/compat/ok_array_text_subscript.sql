-- Case: a text literal used as an array subscript
-- expect: none
CREATE VIEW xferity.first_tags AS SELECT id, tags['1'] AS first_tag FROM xferity.jobs;
