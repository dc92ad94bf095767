-- Case: LOCK TABLE IN ROW EXCLUSIVE MODE is what any UPDATE takes
-- expect: none
LOCK TABLE xferity.jobs IN ROW EXCLUSIVE MODE;
UPDATE xferity.jobs SET note = 'x' WHERE id = 1;
