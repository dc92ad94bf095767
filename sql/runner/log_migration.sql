INSERT INTO xferity.schema_migration_log
(migration_id, operation, content_sha256, client_host)
VALUES (%(migration_id)s, %(operation)s, %(content_sha256)s, %(client_host)s)
