-- Case: a lone non-concurrent REFRESH in a non-transactional migration
-- expect: refresh-materialized-view
-- transactional: false
REFRESH MATERIALIZED VIEW xferity.job_counts;
