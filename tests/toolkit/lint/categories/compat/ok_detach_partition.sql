-- Case: a plain DETACH PARTITION
-- expect: none
ALTER TABLE xferity.events DETACH PARTITION xferity.events_2024;
