-- Grants to PUBLIC reach every role in the cluster.

GRANT SELECT ON xferity.counters TO PUBLIC;
