-- Case: RETURNING columns of the target table
-- expect: none
UPDATE xferity.jobs SET note = 'seen' WHERE id = 1 RETURNING id, note;
