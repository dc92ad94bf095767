SELECT migration_id, content_sha256, applied_at, applied_by, execution_ms
FROM xferity.schema_migrations
ORDER BY migration_id
