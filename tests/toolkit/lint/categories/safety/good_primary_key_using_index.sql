-- Case: PRIMARY KEY USING INDEX over an index built concurrently earlier
-- expect: none
-- transactional: false
CREATE UNIQUE INDEX CONCURRENTLY notes_id_uidx ON xferity.notes (id);
-- @@ next migration @@
-- Attach the ready index
ALTER TABLE xferity.notes ADD CONSTRAINT notes_pkey PRIMARY KEY USING INDEX notes_id_uidx;
