-- Case: trim_array() (14)
-- expect: pg13-compat
UPDATE xferity.jobs SET tags = trim_array(tags, 1) WHERE cardinality(tags) > 0;
