-- Case: plain DETACH PARTITION: the only form PostgreSQL 13 has
-- expect: none
ALTER TABLE xferity.events DETACH PARTITION xferity.events_2024;
