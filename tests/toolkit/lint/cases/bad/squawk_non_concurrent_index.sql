-- An index on an existing table, built while writes wait.

CREATE INDEX counters_name_idx ON xferity.counters (name);
