-- Case: four-argument regexp_replace (flags)
-- expect: none
UPDATE xferity.jobs SET name = regexp_replace(name, 'a', 'b', 'gi');
