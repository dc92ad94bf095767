-- Case: SET LOCAL lock_timeout (an old setting)
-- expect: none
SET LOCAL lock_timeout = '5s';
ALTER TABLE xferity.jobs ADD COLUMN remark text;
