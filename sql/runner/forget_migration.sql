DELETE FROM xferity.schema_migrations WHERE migration_id = %(migration_id)s
