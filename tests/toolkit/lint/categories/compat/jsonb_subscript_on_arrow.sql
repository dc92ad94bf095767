-- Case: an integer subscript on the jsonb that -> returns (14)
-- expect: pg13-compat
CREATE VIEW xferity.first_tags AS SELECT id, (payload -> 'tags')[0] AS first_tag FROM xferity.jobs;
