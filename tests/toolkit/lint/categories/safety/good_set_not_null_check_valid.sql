-- Case: SET NOT NULL after a CHECK added valid in an earlier migration
-- expect: none
-- lint: allow constraint-missing-not-valid reason: case setup
ALTER TABLE xferity.notes ADD CONSTRAINT notes_body_nn CHECK (body IS NOT NULL);
-- @@ next migration @@
-- Proven by the CHECK
ALTER TABLE xferity.notes ALTER COLUMN body SET NOT NULL;
