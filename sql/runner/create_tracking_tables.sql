-- Tracking tables for xferity-schema's migration runner. Run under the
-- runner's advisory lock, and only when they are missing, so IF NOT EXISTS
-- never races another apply and the schema is created only when absent (a
-- migrator may lack CREATE on the database).
DO $$
BEGIN
    IF to_regnamespace('xferity') IS NULL THEN
        CREATE SCHEMA xferity;
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS xferity.schema_migrations (
    migration_id text PRIMARY KEY,
    content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user,
    execution_ms integer NOT NULL CHECK (execution_ms >= 0),
    toolkit_version text NOT NULL
);

COMMENT ON TABLE xferity.schema_migrations IS
'One row per applied migration, written in the same transaction as the migration itself.';
COMMENT ON COLUMN xferity.schema_migrations.migration_id IS
'File name without .sql, e.g. 0001_bootstrap.';
COMMENT ON COLUMN xferity.schema_migrations.content_sha256 IS
'sha256 of the migration file''s bytes when applied; a mismatch later is drift.';
COMMENT ON COLUMN xferity.schema_migrations.applied_at IS
'When the migration committed.';
COMMENT ON COLUMN xferity.schema_migrations.applied_by IS
'Database role that applied it.';
COMMENT ON COLUMN xferity.schema_migrations.execution_ms IS
'Wall time the migration''s statements took, in milliseconds.';
COMMENT ON COLUMN xferity.schema_migrations.toolkit_version IS
'xferity-schema version that applied it.';

CREATE TABLE IF NOT EXISTS xferity.schema_migration_log (
    log_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    migration_id text NOT NULL,
    operation text NOT NULL CHECK (operation IN ('apply', 'rollback')),
    content_sha256 text NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT now(),
    db_user text NOT NULL DEFAULT current_user,
    client_host text NOT NULL
);

COMMENT ON TABLE xferity.schema_migration_log IS
'Append-only history of apply and rollback operations, for audits.';
COMMENT ON COLUMN xferity.schema_migration_log.log_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.schema_migration_log.migration_id IS 'Migration the operation ran.';
COMMENT ON COLUMN xferity.schema_migration_log.operation IS 'apply or rollback.';
COMMENT ON COLUMN xferity.schema_migration_log.content_sha256 IS
'sha256 of the file that ran.';
COMMENT ON COLUMN xferity.schema_migration_log.logged_at IS 'When the operation committed.';
COMMENT ON COLUMN xferity.schema_migration_log.db_user IS 'Database role that ran it.';
COMMENT ON COLUMN xferity.schema_migration_log.client_host IS
'Host name of the machine that ran xferity-schema.';
