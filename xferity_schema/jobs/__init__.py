"""Operating the job queue: stats and metrics, listing and showing jobs, and the operator's
retry, cancel, reschedule and prune, all through the SQL functions of migration 0015."""
