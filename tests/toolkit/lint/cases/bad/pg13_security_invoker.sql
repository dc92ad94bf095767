-- security_invoker views are PostgreSQL 15.

CREATE VIEW xferity.counter_totals WITH (security_invoker = TRUE) AS
SELECT sum(total) AS total
FROM xferity.counters;

COMMENT ON VIEW xferity.counter_totals IS 'Sum of all counters.';
