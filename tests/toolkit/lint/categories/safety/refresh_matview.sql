-- Case: REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks readers
-- expect: refresh-materialized-view
REFRESH MATERIALIZED VIEW xferity.job_counts;
