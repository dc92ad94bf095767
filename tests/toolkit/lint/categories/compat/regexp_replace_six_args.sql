-- Case: six-argument regexp_replace (15)
-- expect: pg13-compat
UPDATE xferity.jobs SET name = regexp_replace(name, 'a', 'b', 1, 0, 'i');
