-- Demo data: what `seed --demo --reset` runs before loading.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: reset_all_data
SELECT xferity.reset_all_data();
