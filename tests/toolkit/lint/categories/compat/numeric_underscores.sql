-- Case: a numeric literal with underscores (16)
-- expect: pg13-compat
UPDATE xferity.jobs SET amount = 1_000;
