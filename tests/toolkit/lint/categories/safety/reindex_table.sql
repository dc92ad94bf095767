-- Case: REINDEX without CONCURRENTLY blocks writes (and reads through the index)
-- expect: require-concurrent-reindex
REINDEX TABLE xferity.jobs;
