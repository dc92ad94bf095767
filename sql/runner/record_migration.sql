INSERT INTO xferity.schema_migrations
(migration_id, content_sha256, execution_ms, toolkit_version)
VALUES (%(migration_id)s, %(content_sha256)s, %(execution_ms)s, %(toolkit_version)s)
