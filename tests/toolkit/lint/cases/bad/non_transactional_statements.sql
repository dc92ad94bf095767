-- Two statements outside a transaction: a failure in between leaves half a migration.
-- transactional: false

CREATE INDEX CONCURRENTLY IF NOT EXISTS counters_a_idx ON xferity.counters (a);
CREATE INDEX CONCURRENTLY IF NOT EXISTS counters_b_idx ON xferity.counters (b);
