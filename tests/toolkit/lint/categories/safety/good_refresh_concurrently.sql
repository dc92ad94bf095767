-- Case: REFRESH MATERIALIZED VIEW CONCURRENTLY keeps the view readable
-- expect: none
REFRESH MATERIALIZED VIEW CONCURRENTLY xferity.job_counts;
