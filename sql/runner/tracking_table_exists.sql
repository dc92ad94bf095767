SELECT to_regclass('xferity.schema_migrations') IS NOT NULL
