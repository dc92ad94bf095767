-- Case: REFRESH ... WITH NO DATA empties a live materialized view
-- expect: refresh-materialized-view
REFRESH MATERIALIZED VIEW xferity.job_counts WITH NO DATA;
