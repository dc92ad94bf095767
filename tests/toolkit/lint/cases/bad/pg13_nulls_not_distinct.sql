-- NULLS NOT DISTINCT is PostgreSQL 15.

CREATE UNIQUE INDEX counters_name_key ON xferity.counters (name) NULLS NOT DISTINCT;
