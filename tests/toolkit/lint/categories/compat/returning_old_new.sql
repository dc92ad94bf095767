-- Case: RETURNING old.* / new.* (18)
-- expect: pg13-compat
UPDATE xferity.jobs SET note = 'seen' WHERE id = 1 RETURNING old.note, new.note;
