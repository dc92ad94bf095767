-- Case: DETACH PARTITION ... CONCURRENTLY (14)
-- expect: pg13-compat
-- transactional: false
ALTER TABLE xferity.events DETACH PARTITION xferity.events_2024 CONCURRENTLY;
