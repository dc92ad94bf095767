-- Case: random(min, max) (17)
-- expect: pg13-compat
UPDATE xferity.jobs SET amount = random(1, 10);
