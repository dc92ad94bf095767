-- Case: SET NOT NULL proven by a validated CHECK (col IS NOT NULL AND ...)
-- expect: none
ALTER TABLE xferity.notes ADD CONSTRAINT notes_body_present CHECK (body IS NOT NULL AND length(body) > 0) NOT VALID;
-- @@ next migration @@
-- Validate it
ALTER TABLE xferity.notes VALIDATE CONSTRAINT notes_body_present;
-- @@ next migration @@
-- Proven
ALTER TABLE xferity.notes ALTER COLUMN body SET NOT NULL;
