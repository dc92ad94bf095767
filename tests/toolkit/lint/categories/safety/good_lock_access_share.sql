-- Case: LOCK TABLE IN ACCESS SHARE MODE blocks no reader or writer
-- expect: none
LOCK TABLE xferity.jobs IN ACCESS SHARE MODE;
