-- CONCURRENTLY inside the migration's transaction fails at apply time.

CREATE INDEX CONCURRENTLY counters_total_idx ON xferity.counters (total);
